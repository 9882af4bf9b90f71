from playwright.sync_api import expect
from tests.browser.helpers import face, button, pair

def test_explore(page, tablet, browser_errors):
    msgs = []
    page.on("console", lambda m: msgs.append(m.text))
    pair(page, tablet)
    page.screenshot(path="/tmp/shots/idle.png")
    face(page, 4).click()
    expect(page.get_by_text("Takk!")).to_be_visible()
    page.screenshot(path="/tmp/shots/thanks.png")
    button(page, "Ja, si mer").click()
    page.screenshot(path="/tmp/shots/q1.png")
    button(page, "Neste").click(); page.screenshot(path="/tmp/shots/q2.png")
    button(page, "Neste").click(); page.screenshot(path="/tmp/shots/q3.png")
    button(page, "Neste").click(); page.screenshot(path="/tmp/shots/q4.png")
    button(page, "Neste").click(); page.screenshot(path="/tmp/shots/q5.png")
    print(msgs)
    print([ (h.method, h.path, h.bytes) for h in tablet.server.log])
