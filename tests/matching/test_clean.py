"""Tweet cleaning: URLs, pic.twitter links, handles, hashtags and the trailing attribution line."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from newsaudit.matching.clean import attribution_author, clean_query, split_camel

TWEET = "Big news!! #SaveTheHarbour https://t.co/AbC123 pic.twitter.com/XyZ — Jo Rivera (@JoRivera) March 3, 2021"


def test_attribution_links_and_hashtags() -> None:
    assert clean_query(TWEET) == "Big news!! Save The Harbour Jo Rivera"
    assert clean_query(TWEET, keep_author=False) == "Big news!! Save The Harbour"
    assert attribution_author(TWEET) == "Jo Rivera"


def test_handles_split_or_dropped() -> None:
    assert clean_query("thanks @MayorOfTown for nothing") == "thanks Mayor Of Town for nothing"
    assert clean_query("thanks @MayorOfTown for nothing", handles="drop") == "thanks for nothing"
    assert clean_query("mail me at a@b.example") == "mail me at a@b.example"


def test_glued_links_and_truncated_attribution() -> None:
    assert clean_query("#ClosedRoads#Flood https://t.co/q — Sam Lee (@samle") == "Closed Roads Flood Sam Lee"
    assert clean_query("It rained — and then it stopped.") == "It rained — and then it stopped."


def test_split_camel() -> None:
    assert split_camel("FakeNews2020") == "Fake News 2020"
    assert split_camel("NASA") == "NASA"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_clean_never_crashes_and_is_idempotent(text: str) -> None:
    once = clean_query(text)
    assert clean_query(once) == once
    assert once == once.strip()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "@Ann_B",
                "#Tag",
                "#",
                "@",
                "—",
                "(@x)",
                "http://a.b/c",
                "pic.twitter.com/",
                "Word",
                "May 1, 2020",
                " ",
                "\n",
                "&amp;",
                "2",
                "s",
            ]
        ),
        max_size=30,
    )
)
def test_clean_is_idempotent_on_tweet_furniture(parts: list[str]) -> None:
    once = clean_query("".join(parts))
    assert clean_query(once) == once
    assert "http" not in once and "pic.twitter.com/" not in once
