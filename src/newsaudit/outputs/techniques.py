"""Display names, one-sentence explanations and colours for the 14 PTC persuasion techniques."""

from __future__ import annotations

from dataclasses import dataclass

from newsaudit.analysis.labels import PTC_TECHNIQUES


@dataclass(frozen=True, slots=True)
class TechniqueInfo:
    """How a technique label is shown to a reader."""

    label: str
    name: str
    explanation: str
    colour: str


_INFO: dict[str, tuple[str, str, str]] = {
    "Appeal_to_Authority": (
        "Appeal to authority",
        "States that a claim is true because an authority or expert says so, without other evidence.",
        "#a5d8ff",
    ),
    "Appeal_to_fear-prejudice": (
        "Appeal to fear / prejudice",
        "Builds support by stirring up anxiety or panic about an alternative, or by playing on prejudice.",
        "#ffa8a8",
    ),
    "Bandwagon,Reductio_ad_hitlerum": (
        "Bandwagon / reductio ad Hitlerum",
        "Urges the reader to agree because everyone else does, or rejects an idea because a hated group holds it.",
        "#d0bfff",
    ),
    "Black-and-White_Fallacy": (
        "Black-and-white fallacy",
        "Presents two alternatives as the only possibilities when more exist.",
        "#ffd8a8",
    ),
    "Causal_Oversimplification": (
        "Causal oversimplification",
        "Assumes a single cause or reason for an issue that has several.",
        "#c3fae8",
    ),
    "Doubt": (
        "Doubt",
        "Questions the credibility of someone or something without giving evidence.",
        "#e9ecef",
    ),
    "Exaggeration,Minimisation": (
        "Exaggeration / minimisation",
        "Makes something look much larger, better or worse, or much smaller, than it really is.",
        "#ffec99",
    ),
    "Flag-Waving": (
        "Flag-waving",
        "Plays on strong national or group feeling to justify or promote an idea or action.",
        "#b2f2bb",
    ),
    "Loaded_Language": (
        "Loaded language",
        "Uses words and phrases with strong emotional connotations to sway the reader.",
        "#fcc2d7",
    ),
    "Name_Calling,Labeling": (
        "Name calling / labelling",
        "Attaches a label the audience fears, hates or admires to a person or group instead of arguing.",
        "#eebefa",
    ),
    "Repetition": (
        "Repetition",
        "Repeats the same message again and again so that the audience comes to accept it.",
        "#99e9f2",
    ),
    "Slogans": (
        "Slogans",
        "A brief, striking phrase meant to be remembered and repeated, often labelling or stereotyping.",
        "#d8f5a2",
    ),
    "Thought-terminating_Cliches": (
        "Thought-terminating cliché",
        "A short, generic phrase that discourages critical thought and closes the discussion.",
        "#ced4da",
    ),
    "Whataboutism,Straw_Men,Red_Herring": (
        "Whataboutism / straw man / red herring",
        "Deflects criticism by accusing the other side of hypocrisy, misstating its view, or changing the subject.",
        "#ffc9c9",
    ),
}

assert set(_INFO) == set(PTC_TECHNIQUES), "every PTC technique needs display info"

TECHNIQUES: dict[str, TechniqueInfo] = {label: TechniqueInfo(label, *_INFO[label]) for label in PTC_TECHNIQUES}


def technique_info(label: str) -> TechniqueInfo:
    """Display info for a label; labels outside the PTC set get a readable name and a neutral colour."""
    if label in TECHNIQUES:
        return TECHNIQUES[label]
    name = label.replace("_", " ").replace(",", " / ")
    return TechniqueInfo(label, name, "A persuasion technique outside the PTC label set.", "#dee2e6")
