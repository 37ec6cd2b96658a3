"""Label sets shared by models, outputs and evaluation: the 14 PTC techniques and attribution roles."""

from __future__ import annotations

# SemEval-2020 Task 11 technique names, exactly as the task's scorer spells them.
PTC_TECHNIQUES: tuple[str, ...] = (
    "Appeal_to_Authority",
    "Appeal_to_fear-prejudice",
    "Bandwagon,Reductio_ad_hitlerum",
    "Black-and-White_Fallacy",
    "Causal_Oversimplification",
    "Doubt",
    "Exaggeration,Minimisation",
    "Flag-Waving",
    "Loaded_Language",
    "Name_Calling,Labeling",
    "Repetition",
    "Slogans",
    "Thought-terminating_Cliches",
    "Whataboutism,Straw_Men,Red_Herring",
)

ATTRIBUTION_ROLES: tuple[str, ...] = ("Source", "Cue", "Content")
