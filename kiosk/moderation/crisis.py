"""Notice free text that suggests someone is in danger, so the thank-you screen can show where to get help.

The tablet runs the same check offline in JavaScript with the phrases from crisis_phrases(), so the rule is
kept simple enough to write identically in both languages:

1. Normalise the text: NFKC, then drop the invisible characters that kiosk.moderation.normalise drops
   (U+00AD, U+061C, U+180E, U+200B-U+200F, U+202A-U+202E, U+2060-U+2064, U+2066-U+2069, U+FEFF).
   In JavaScript: ``text.replace(INVISIBLE, "").normalize("NFKC")``.
2. Lower-case it (Python ``str.lower()``, JavaScript ``toLowerCase()``).
3. Split it into words: the maximal runs of letters and digits, Python ``re.findall(r"[^\\W_]+", text)``,
   JavaScript ``text.match(/[\\p{L}\\p{N}]+/gu)``. Everything else separates words, so "don't" is the two
   words "don" and "t", and "self-harm" is "self" and "harm".
4. A phrase is one or more words separated by single spaces, written the same way (lower case, letters and
   digits). A phrase word may end with ``*``: the text word must then begin with the phrase word without
   its ``*`` (and may go on), otherwise it must be equal to it. "selvmord*" matches "selvmordstanker".
5. A phrase matches when its words match consecutive words of the text, in order. The text suggests a
   crisis when at least one phrase matches.

The phrases cover suicide, self-harm, overdose and violence against oneself or others (including threats),
in Bokmål, Nynorsk and English, with common spelling variants. They avoid words that ordinary complaints
use in passing: "jeg er lei av maten", "dødsbra", "drepende kjedelig", "dette tar livet av meg", "this
queue is killing me" do not match. A phrase word with ``*`` has at least three letters before it.
"""

import re
from functools import cache

from kiosk.moderation.normalise import normalise

_WORDS = re.compile(r"[^\W_]+")


def _combine(verbs: str, objects: str) -> tuple[str, ...]:
    """Return every "verb object" phrase: threats are many verbs times many objects."""
    return tuple(f"{verb} {obj}" for verb in verbs.split() for obj in objects.split())


_OBJECTS_NB = "meg deg han ham henne dem noen alle seg dere oss folk"
_OBJECTS_NN = "meg deg han honom henne ho dei nokon alle seg dykk oss folk"
_KILL_NB = _combine("drepe dreper drep drepa drepte myrde myrder", _OBJECTS_NB)
_KILL_NN = _combine("drepe drepa drep drepte myrde", _OBJECTS_NN)
_SHOOT = _combine("skyte skyter skyt skjøt skaut", f"{_OBJECTS_NB} ho dei nokon dykk")
_KILL_EN = _combine("kill killing", "myself you him her them someone somebody everyone everybody people")
_SHOOT_EN = _combine("shoot stab", "myself you him her them someone somebody everyone everybody people")

# fmt: off
PHRASES: dict[str, tuple[str, ...]] = {
    "nb": (
        # suicide
        "selvmord*", "selvmor", "selmord*", "sjelvmord*", "suicid*", "ta livet mitt", "ta mitt eget liv",
        "ta mitt liv", "ta livet av meg", "ta livet av meg selv", "ta livet av seg", "tok livet av seg",
        "tok livet sitt", "ta livet sitt", "avslutte livet", "ende livet", "gjøre slutt på livet",
        "gjøre slutt på meg selv", "vil dø", "ville dø", "vil bare dø", "lyst til å dø", "lyst å dø",
        "ønsker å dø", "ønsker jeg var død", "ønske jeg var død", "om jeg var død", "vil ikke leve",
        "ikke leve lenger", "orker ikke leve", "orker ikke å leve", "lei av å leve", "lei av livet",
        "ikke verdt å leve", "ingen grunn til å leve", "bedre uten meg", "bedre død", "ingen vil savne meg",
        "henge meg selv", "henge meg sjøl", "hoppe foran toget", "hoppe fra brua", "hoppe fra broen",
        "hoppe fra taket", "kaste meg foran", "selfmord*", "ta livet av mæ", "drepe mæ", "drep mæ",
        "drepe meg sjøl", "tenker på å dø", "tenkt på å dø", "tenke på å dø", "tenker mye på å dø",
        "tenker ofte på å dø", "tenker på døden", "tenker mye på døden", "ikke lenger leve",
        # self-harm
        "selvskad*", "skade meg selv", "skader meg selv", "skadet meg selv", "skade meg sjøl",
        "skade mæ sjøl", "kutte meg", "kutter meg", "kuttet meg", "kutta meg", "kutte mæ", "skjære meg selv",
        "skjærer meg selv", "skjære i armene", "skjærer i armene", "kutte i armene", "kutter i armene",
        "rispe meg", "risper meg",
        # overdose
        "overdos*", "over dose*", "ta for mange piller", "tok for mange piller", "tatt for mange piller",
        "ta for mange tabletter", "tok for mange tabletter", "ta alle pillene", "tok alle pillene",
        "ta alle tablettene", "tok alle tablettene",
        # violence and threats
        *_KILL_NB, *_SHOOT, "drepe meg selv", "slå deg i hjel", "slå deg ihjel", "slå ham i hjel",
        "slå han i hjel", "slå henne i hjel", "slå dem i hjel", "stikke deg ned", "stikke ham ned",
        "stikke han ned", "knivstikk*", "knivstukk*", "vold", "voldelig*", "voldtekt*", "voldta*",
        "mishandl*", "overgrep*", "banker meg", "banket meg", "banka meg", "juling", "truer meg", "truet meg",
        "trua meg", "truer med å", "truet med å", "banket opp", "banka opp", "han slår meg", "hun slår meg",
        "han slo meg", "hun slo meg", "de slår meg", "de slo meg", "skade noen", "skade andre",
    ),
    "nn": (
        # suicide
        "sjølvmord*", "sjølmord*", "ta mitt eige liv", "ta livet av meg sjølv", "gjere slutt på livet",
        "gjere slutt på meg sjølv", "vil døy", "ville døy", "vil berre døy", "lyst til å døy", "lyst å døy",
        "ønskjer å døy", "ønskjer eg var død", "ønskje eg var død", "om eg var død", "vil ikkje leve",
        "vil ikkje leva", "ikkje leva lenger", "ikkje leve lenger", "orkar ikkje leva", "orkar ikkje å leva",
        "orkar ikkje leve", "lei av å leva", "ikkje verdt å leva", "inga grunn til å leva", "betre utan meg",
        "betre død", "ingen vil sakne meg", "hengje meg sjølv", "tenkjer på å døy", "tenkt på å døy",
        "tenkjer mykje på å døy", "tenkjer på døden", "ikkje lenger leva", "ikkje lenger leve",
        # self-harm
        "sjølvskad*", "skade meg sjølv", "skada meg sjølv", "skadar meg sjølv", "kuttar meg",
        # violence and threats
        *_KILL_NN, "ho slår meg", "ho slo meg", "dei slår meg", "dei slo meg", "skada nokon",
        "drepe meg sjølv", "drepa meg sjølv", "slå deg i hel", "trugar meg", "truga meg", "trugar med å",
        "truga med å", "valdtekt*", "valdeleg*", "vald",
    ),
    "en": (
        # suicide
        "suicid*", "kill myself", "killing myself", "end my life", "ending my life", "end it all",
        "take my own life", "take my life", "want to die", "wanna die", "wish i was dead", "wish i were dead",
        "better off dead", "better off without me", "no reason to live", "not worth living",
        "dont want to live", "don t want to live", "do not want to live", "hang myself", "jump off a bridge",
        "jump off the bridge", "jump off the roof", "jump in front of", "want to end it", "kms", "kys",
        "unalive*", "thinking about dying", "think about dying",
        # self-harm
        "self harm*", "selfharm*", "hurt myself", "hurting myself", "harm myself", "harming myself",
        "cut myself", "cutting myself",
        # overdose
        "overdos*", "take too many pills", "took too many pills", "take all my pills", "took all my pills",
        "take all the pills", "took all the pills",
        # violence and threats
        *_KILL_EN, *_SHOOT_EN, "would kill me", "will kill me", "going to kill me", "gonna kill me",
        "tried to kill me", "wants to kill me", "he hits me", "she hits me", "he hit me", "she hit me",
        "want to hurt someone", "want to hurt people", "beat you up", "beat me up", "beats me up",
        "beat him up", "beat her up", "raped", "rape", "raping", "abused me", "abusing me", "abuses me",
        "threatened me", "threatening me", "threatens me", "threatened to", "attacked me", "assaulted me",
        "violence", "violent",
    ),
}
# fmt: on


def crisis_phrases() -> list[str]:
    """Return every phrase, normalised and sorted, as the tablet gets them in its configuration."""
    return sorted({normalise(phrase).lower() for phrases in PHRASES.values() for phrase in phrases})


_Phrase = tuple[tuple[str, bool], ...]  # (word, may go on) for each word


@cache
def _index() -> tuple[dict[str, list[_Phrase]], dict[str, list[_Phrase]]]:
    """Index the phrases by their first word: exact words, and prefixes by their first three letters."""
    exact: dict[str, list[_Phrase]] = {}
    prefixes: dict[str, list[_Phrase]] = {}
    for phrase in crisis_phrases():
        words = tuple((word.rstrip("*"), word.endswith("*")) for word in phrase.split(" "))
        first, goes_on = words[0]
        (prefixes if goes_on else exact).setdefault(first[:3] if goes_on else first, []).append(words)
    return exact, prefixes


def _matches_at(words: list[str], i: int, phrase: _Phrase) -> bool:
    if i + len(phrase) > len(words):
        return False
    return all(
        words[i + k].startswith(stem) if goes_on else words[i + k] == stem
        for k, (stem, goes_on) in enumerate(phrase)
    )


def suggests_crisis(text: str) -> bool:
    """Say whether text suggests self-harm, suicide, overdose or violence (see the module's rule)."""
    words = _WORDS.findall(normalise(text).lower())
    exact, prefixes = _index()
    for i, word in enumerate(words):
        for phrase in (*exact.get(word, ()), *prefixes.get(word[:3], ())):
            if _matches_at(words, i, phrase):
                return True
    return False
