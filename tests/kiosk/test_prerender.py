"""The blank forms a worker keeps rendered: the ones asked for most recently, at most prerender.CACHED."""

import pytest

from kiosk.public import prerender


def cached_versions() -> list[int]:
    return [version_id for version_id, _lang, _limit in prerender._cache]


def test_the_form_asked_for_least_recently_is_let_go(client, make_link, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prerender, "CACHED", 2)
    links = [make_link(location_name=f"Sted {n}") for n in range(3)]
    pages = {}
    for link in links[:2]:
        pages[link.code] = client.get(f"/s/{link.code}").get_data(as_text=True)
    first, second = cached_versions()
    assert first != second
    again = client.get(f"/s/{links[0].code}").get_data(as_text=True)  # from the cache, and now the most recent
    assert cached_versions() == [second, first]
    client.get(f"/s/{links[2].code}")
    third = cached_versions()[-1]
    assert cached_versions() == [first, third]  # the second, asked for least recently, is gone
    assert again.count("Hvordan var dagen?") == pages[links[0].code].count("Hvordan var dagen?") == 1
    # Rendered afresh when it is asked for again, and the same as before.
    response = client.get(f"/s/{links[1].code}")
    assert response.status_code == 200 and "Hvordan var dagen?" in response.get_data(as_text=True)
    assert cached_versions() == [third, second]
