"""One rendering for every channel, safe against hostile text; Standard Webhooks signatures."""

from __future__ import annotations

from newswatch.core.render import one_line, render_alert, render_digest
from newswatch.core.signing import sign, signature_headers, verify

ALERT = {
    "id": "a1",
    "topic": "trade",
    "created_at": "2027-01-15T08:00:00+00:00",
    "matched": ["summit"],
    "snippet": "Leaders met at the Summit <b>on</b> Tuesday. @everyone <!channel> look",
    "article": {
        "title": "Summit\r\nBcc: x@evil.example\x00 ends",
        "url": "https://news.example.com/a",
        "source": "news.example.com",
        "published_at": "2027-01-15T07:59:00+00:00",
    },
    "sources_count": 4,
    "sources": ["news.example.com", "other.example"],
}


def test_subjects_have_no_line_breaks_or_controls_and_are_capped() -> None:
    message = render_alert(ALERT)
    assert message.title == "[trade] Summit Bcc: x@evil.example ends"
    assert "\r" not in message.title and "\n" not in message.title
    assert len(one_line("x" * 5000)) == 200


def test_the_body_has_publishers_time_marked_snippet_and_link() -> None:
    text = render_alert(ALERT).text
    lines = text.split("\n")
    assert lines[1] == "news.example.com +3 sources · 2027-01-15 07:59 UTC"
    assert "*Summit*" in lines[2]
    assert lines[3] == "https://news.example.com/a"


def test_mass_mentions_are_neutralised_and_html_escaped() -> None:
    message = render_alert(ALERT)
    assert "@everyone" not in message.text and "@\u200beveryone" in message.text
    assert "<!channel>" not in message.text
    assert "<b>on</b>" not in message.html and "&lt;b&gt;on&lt;/b&gt;" in message.html
    assert "<b>Summit</b>" in message.html


def test_a_link_that_is_not_http_is_left_out() -> None:
    hostile = {**ALERT, "article": {**ALERT["article"], "url": "javascript:alert(1)"}}  # type: ignore[dict-item]
    message = render_alert(hostile)
    assert "javascript" not in message.text and "javascript" not in message.html


def test_digest_lists_newest_first_per_topic_and_caps_the_list() -> None:
    alerts = [
        {
            **ALERT,
            "id": str(i),
            "created_at": f"2027-01-15T08:{i:02d}:00+00:00",
            "article": {**ALERT["article"], "title": f"story {i}"},
        }  # type: ignore[dict-item]
        for i in range(60)
    ]
    message = render_digest("desk", alerts)
    assert message.title == "newswatch digest for desk: 60 stories"
    assert message.text.index("story 59") < message.text.index("story 58")
    assert "… and 10 more" in message.text


def test_signatures_verify_with_either_secret_during_rotation() -> None:
    old = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    new = "whsec_" + "A" * 43 + "="
    body = b'{"id":"a1"}'
    headers = signature_headers([new, old], "msg_1", 1_800_000_000, body)
    assert len(headers["webhook-signature"].split()) == 2
    assert verify(old, headers, body, now=1_800_000_010)
    assert verify(new, headers, body, now=1_800_000_010)
    assert not verify(old, headers, body + b" ", now=1_800_000_010)
    assert not verify(old, headers, body, now=1_800_000_000 + 301)  # stale


def test_signature_matches_the_standard_webhooks_reference() -> None:
    # the example of the Standard Webhooks specification's reference libraries
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    assert sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body) == (
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )


def test_the_snippets_own_marks_are_used_when_it_has_them() -> None:
    alert = {**ALERT, "snippet": "a Summit and summit talks", "snippet_marks": [[13, 19]]}
    assert "a Summit and *summit* talks" in render_alert(alert).text
