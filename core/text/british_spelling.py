"""British spellings, by the regular rules that tie them to American ones.

pyspellchecker has a single English word list, American in its spelling ("color",
"realize"). For a book in British English ("en-GB") a word the list lacks is still right when
the rules below turn it into a word the list has: -our/-or, -ise/-ize and -yse/-yze,
-re/-er, -ogue/-og, -ence/-ense, a doubled l before a suffix, ae/oe/e, and a short list of
words no rule covers ("draught", "cheque").
"""

from __future__ import annotations

import re

# Regions whose English spells the British way.
_BRITISH_REGIONS = {"gb", "uk", "ie", "au", "nz", "za"}

_RULES: list[tuple[re.Pattern[str], str]] = [
    # colour, colours, coloured, colourful, favourite, honourable, labourer, behaviour
    (re.compile(r"our(?=$|s$|ed$|ing$|ite|ful|abl|er$|ers$|less|ism|ist|ly$|hood)"), "or"),
    # realise, organisation, analyse, paralysed
    (re.compile(r"is(?=e$|es$|ed$|ing$|er$|ers$|ation|able)"), "iz"),
    (re.compile(r"ys(?=e$|es$|ed$|ing$|er$|ers$)"), "yz"),
    # anaemia, foetus, manoeuvre
    (re.compile(r"ae"), "e"),
    (re.compile(r"oe(?!s?$)"), "e"),
    # centred, centring, fibred (before the plain rule, which would make "centerd")
    (re.compile(r"(?<=[^aeiou])r(?=ed$|ing$)"), "er"),
    # centre, metres, theatre
    (re.compile(r"(?<=[^aeiou])re(?=s?$)"), "er"),
    # catalogue, analogues
    (re.compile(r"ogue(?=s?$)"), "og"),
    # defence, licence, offences
    (re.compile(r"ence(?=s?$)"), "ense"),
    # travelled, travelling, jeweller, modelling
    (re.compile(r"(?<=[aeiou])ll(?=ed$|ing$|er$|ers$|ery$)"), "l"),
]

# Stems no rule maps; a word starting with one is tried with the American stem instead.
_IRREGULAR = {
    "aeroplane": "airplane",
    "aluminium": "aluminum",
    "cheque": "check",
    "cosy": "cozy",
    "draught": "draft",
    "gaol": "jail",
    "grey": "gray",
    "jewellery": "jewelry",
    "kerb": "curb",
    "mould": "mold",
    "moult": "molt",
    "moustache": "mustache",
    "plough": "plow",
    "programme": "program",
    "pyjama": "pajama",
    "sceptic": "skeptic",
    "smoulder": "smolder",
    "storey": "story",
    "sulphur": "sulfur",
    "tyre": "tire",
}


def is_british_english(language: str) -> bool:
    """Whether a book language ("en-GB", "en_AU") is English spelt the British way."""
    parts = re.split(r"[-_]", language.strip().lower())
    return parts[0] == "en" and len(parts) > 1 and parts[1] in _BRITISH_REGIONS


def american_forms(word: str) -> set[str]:
    """The American spellings the rules make of a (lower-case) British ``word``; empty when
    no rule applies."""
    forms = {word}
    for stem, american in _IRREGULAR.items():
        if word.startswith(stem):
            forms.add(american + word[len(stem) :])
    # Each rule applies to what the ones before made too ("manoeuvre" -> "maneuver").
    for pattern, replacement in _RULES:
        forms |= {pattern.sub(replacement, form) for form in forms}
    forms.discard(word)
    return forms
