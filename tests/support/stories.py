"""A wire story written for these tests, the way three outlets carry it, and stories that are
not it. Its sixth paragraph (WARRANT) is the only one that mentions an arrest warrant, so a
copy without it matches fewer topics."""

from __future__ import annotations

from datetime import UTC, datetime

from newswatch.core.fingerprint import words_fingerprint
from newswatch.core.models import Article
from newswatch.core.text import tokenize
from tests.support.pages import OUTLETS, article_page

NOW = datetime(2026, 11, 28, 16, 0, tzinfo=UTC).timestamp()

HEADLINE = "Valdoria and the Kestrel Isles seal fishing accord at harbour summit"

PARAGRAPHS = [
    "The prime ministers of Valdoria and the Kestrel Isles signed a ten-year fishing accord "
    "on Thursday at the end of a two-day summit in the harbour town of Port Amsel, ending a "
    "dispute over herring quotas that had kept trawlers from both countries in port since "
    "the spring.",
    "Under the agreement, fleets from either side may fish the shared grounds north of the "
    "Amsel Bank for eight months a year, and a joint commission of marine scientists will "
    "set the catch limits each autumn from survey data rather than by negotiation.",
    "Valdorian Prime Minister Ilse Marten called the deal a sensible compromise that would "
    "put crews back to work within weeks, while her counterpart, Tobias Reyne, said the "
    "islands had secured the protection of spawning areas they had demanded for a decade.",
    "Fishing unions in both countries had staged blockades of three ports in June, and "
    "processing plants on the islands laid off more than four hundred workers during the "
    "summer as landings fell to their lowest level in thirty years.",
    "The summit talks were brokered by the Nordic fisheries council, whose mediators shuttled "
    "between the two delegations in a converted customs house on the quay. Negotiators said "
    "the last sticking point, a ban on night trawling near the coast, was settled only after "
    "midnight on Wednesday.",
    "Prosecutors on the islands confirmed separately that an arrest warrant had been issued "
    "for the captain of a Valdorian trawler accused of ramming a patrol boat during the "
    "blockade in June. Valdoria said it would consider any extradition request under the "
    "treaty both countries signed in 2009.",
    "Environmental groups welcomed the science-led quotas but warned that the accord leaves "
    "bottom trawling on the Amsel Bank unrestricted, which they say destroys the cold-water "
    "corals where young cod shelter.",
    "The accord must still be ratified by both parliaments. Officials expect votes before the "
    "end of the year, in time for the first joint survey season to open in February.",
]
WARRANT = 5  # index of the paragraph about the arrest warrant

# topics for these stories (names and queries in the configuration syntax)
TOPICS = {
    "fishing": "(fishing OR trawler*) AND (accord OR agreement)",
    "summits": '"prime minister*" NEAR/12 (summit OR talks)',
    "warrants": '"arrest warrant"',
    "sport": "football OR tennis",
}

UNRELATED = [
    (
        "Community gardens bloom as city expands allotment scheme",
        [
            "The city council has opened forty new allotment plots on the edge of the old "
            "railway yards, and the waiting list that once stretched to six years has fallen "
            "to eighteen months.",
            "Volunteers spent the winter clearing brambles, testing the soil and building "
            "raised beds for gardeners who use wheelchairs. Water butts collect rain from the "
            "roof of a new shed.",
            "A small orchard of heritage apple and pear trees has been planted along the "
            "southern fence, and a beekeeping club will install three hives in the spring.",
        ],
    ),
    (
        "Regional rail operator orders twenty battery trains for rural lines",
        [
            "The regional rail operator has ordered twenty battery-electric trains to replace "
            "the diesel units that run on its rural branch lines, the company said on Monday.",
            "The trains will charge under the overhead wires of the main line and run up to "
            "eighty kilometres on battery power, enough for every branch but one.",
            "Passenger groups welcomed the order but asked for more frequent services on "
            "Sundays, when some villages see only two trains all day.",
        ],
    ),
]


def outlet_copies(
    headline: str = HEADLINE, paragraphs: list[str] = PARAGRAPHS, *, drop: int = 3
) -> list[tuple[str, bytes]]:
    """A story as three outlets publish it: (headline, page) each. Each has its own chrome
    and headline; the second drops paragraph ``drop``, the third adds a byline and a credit
    line."""
    second = f"{headline.split()[0]} story: what we know so far"
    third = f"Analysis | {headline}"
    return [
        (headline, article_page(headline, paragraphs)),
        (
            second,
            article_page(second, paragraphs[:drop] + paragraphs[drop + 1 :], outlet=OUTLETS[1]),
        ),
        (
            third,
            article_page(
                third,
                [
                    "By Maria Lopez and agencies",
                    *paragraphs,
                    "This article first appeared on the wire and was edited by our desk.",
                ],
                outlet=OUTLETS[2],
            ),
        ),
    ]


def make_article(article_id: str, source: str, paragraphs: list[str], title: str = "") -> Article:
    """An extracted article of ``paragraphs`` from ``source``, for the stores."""
    text = "\n".join(paragraphs)
    return Article(
        id=article_id,
        url=f"https://{source}/{article_id}",
        canonical_url=f"https://{source}/{article_id}",
        title=title,
        source=source,
        published_at=None,
        language="en",
        author="",
        text=text,
        fingerprint=words_fingerprint(tokenize(text)),
        feed_id="feed",
        feed_name="Feed",
        extracted_at="2026-11-28T16:00:00+00:00",
    )
