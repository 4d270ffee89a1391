import pytest

from analyze.conversation_builder import conversation
from fixfirst.analyze import build_artifacts, classify_outcome, load_lexicon
from fixfirst.analyze.outcome import cascade, is_conditional, read_features
from fixfirst.analyze.outcome_model import FEATURES, feature_vector, is_help_centre_home, link_shape

CASES = [
    # resolved: fix done, or the specific answer / article with the step to take
    (
        "resolved",
        [
            ("c", "Why is there a late fee?"),
            ("a", "Done - I've reversed the late fee; it shows on your account now."),
        ],
    ),
    (
        "resolved",
        [
            ("c", "How do I enable live streaming on my channel?"),
            (
                "a",
                "You can enable live streaming once your channel is verified. Try the steps in this guide: "
                "https://help.example.com/answer/123-enable-live-streaming",
            ),
        ],
    ),
    (
        "resolved",
        [
            ("c", "Bonus missing after 48 hours"),
            ("a", "This type of bonus can take up to 72 hours to be applied."),
        ],
    ),
    (
        "resolved",
        [
            ("c", "My channel crossed 100K subscribers but I have no notification for the play button award"),
            (
                "a",
                "It typically takes about a week for your redemption code to be ready. If you still don't have it, "
                "reach out to the Creator Support team here: https://support.example.com/answer/3545535",
            ),
        ],
    ),
    # promise and done in the same contact -> resolved
    (
        "resolved",
        [
            ("c", "My account is locked"),
            ("a", "I'll unlock it now."),
            ("c", "ok"),
            ("a", "I've unlocked it - you should now be able to sign in."),
        ],
    ),
    # clear_no: plain no, reason, alternative
    (
        "clear_no",
        [
            ("c", "Can I get a refund after my flight left?"),
            (
                "a",
                "I can't refund a ticket after departure - that's a fare rule. What I can do is a travel credit.",
            ),
        ],
    ),
    (
        "clear_no",
        [
            ("c", "How do I lower only the notification volume on my headphones?"),
            (
                "a",
                "There would not be a way to lower just the notification volume. However, you can submit "
                "feedback here: https://example.com/feedback",
            ),
        ],
    ),
    # owned_followup: a first-person promise decides even without a date (the learned step never saw one)
    (
        "owned_followup",
        [
            ("c", "My internet keeps dropping every evening"),
            ("a", "I will call you back once the engineer has checked the line."),
        ],
    ),
    # owned_followup: a concrete first-person next step with a time
    (
        "owned_followup",
        [
            ("c", "Both my lines are dead"),
            (
                "a",
                "I've opened repair ticket 4471 for both lines and will call you tomorrow by noon with the slot.",
            ),
        ],
    ),
    # moved_private: DM as the last visible step
    (
        "moved_private",
        [("c", "Where is my order??"), ("a", "Please DM us your order number so we can look into it.")],
    ),
    (
        "moved_private",
        [
            ("c", "My account was hacked"),
            (
                "a",
                "We can help with that. Please submit a ticket here and we will help: https://example.com/requests/new",
            ),
        ],
    ),
    # moved to DM, then resolved publicly: judged on the resolution
    (
        "resolved",
        [
            ("c", "Double charged"),
            ("a", "Please DM us so we can look into it."),
            ("c", "Sent!"),
            ("a", "Thanks - I've refunded the duplicate charge."),
        ],
    ),
    # deflected: pushed elsewhere with no owner
    ("deflected", [("c", "My bill is wrong"), ("a", "You'll need to call billing at 1-800-555-0100.")]),
    (
        "deflected",
        [("c", "Trackpad died"), ("a", "Please contact our phone support: https://example.com/contact-us")],
    ),
    (
        "deflected",
        [
            ("c", "Phishing page found, hosted on your servers: example-login[.]com"),
            (
                "a",
                "To report that type of activity to the appropriate abuse team, please review "
                "https://www.example.com/help/reporting-abuse-27154 ^CG",
            ),
        ],
    ),
    # unresolved: generic tips / runaround / only questions
    ("unresolved", [("c", "Card declined"), ("a", "Sorry for the inconvenience, please try again later.")]),
    (
        "unresolved",
        [
            ("c", "Can't log in"),
            ("a", "Are you getting a specific error message? Please share the exact wording."),
        ],
    ),
    ("unresolved", [("c", "Hello? Anyone?")]),
    # the company's general statement of what it is doing answers nobody's question
    (
        "unresolved",
        [
            ("c", "Will you close the lobbies of your branches to protect your employees?"),
            (
                "a",
                "The health and safety of our customers and employees are our top priorities. Find out what "
                "we're doing to help. https://www.example.com/jump/enterprise/response",
            ),
        ],
    ),
    # customer says it still fails after the last reply
    (
        "unresolved",
        [
            ("c", "App crashes"),
            ("a", "Try the steps in this guide: https://example.com/articles/app-crashes"),
            ("c", "Still not working, same error."),
        ],
    ),
]


@pytest.mark.parametrize(("expected", "turns"), CASES)
def test_outcome_table(expected: str, turns: list[tuple[str, str]]) -> None:
    verdict = classify_outcome(build_artifacts(conversation(*turns), load_lexicon()))
    assert verdict.label.value == expected
    assert 0.0 <= verdict.confidence <= 1.0
    convo = conversation(*turns)
    for evidence in verdict.evidence:
        assert convo.turns[evidence.turn].text[evidence.start : evidence.end] == evidence.text


def _outcome(*turns: tuple[str, str]):
    return classify_outcome(build_artifacts(conversation(*turns), load_lexicon()))


def _rule(*turns: tuple[str, str]) -> str:
    doc = build_artifacts(conversation(*turns), load_lexicon())
    return cascade(doc, read_features(doc))[1]


def test_steps_the_customer_already_tried_are_not_an_answer() -> None:
    """LABELS.md: generic tips are `unresolved`; a step the customer said they already did is one of them,
    decided by the rule itself (the learned weighting is not consulted) with the step as evidence."""
    tried = (
        ("c", "The game won't load. I've cleared the cache and cookies already, still the same error."),
        ("a", "Please try clearing your cache and cookies. That usually fixes it."),
    )
    verdict = _outcome(*tried)
    assert verdict.label.value == "unresolved"
    assert [e.text for e in verdict.evidence] == ["clearing your cache"]
    assert _rule(*tried) == "scripted_steps"
    # the same reply to a customer who tried nothing yet is not read as a repeat
    assert _rule(("c", "The page looks broken in Chrome since this morning."), tried[1]) != "scripted_steps"


def test_refusal_phrased_would_be_unable_to_is_a_clear_no() -> None:
    verdict = _outcome(
        ("c", "My account was banned, please unban it."),
        ("a", "While we would be unable to overturn the decision on your account, you can read why it happens here."),
    )
    assert verdict.label.value == "clear_no"
    assert any("unable to overturn" in e.text for e in verdict.evidence)


def test_dm_open_offer_after_an_answer_is_not_a_private_move() -> None:
    verdict = classify_outcome(
        build_artifacts(
            conversation(
                ("c", "Will 5G work on my phone?"),
                ("a", "You will need to have a 5G compatible device. DM anytime if we can be of assistance."),
            ),
            load_lexicon(),
        )
    )
    assert verdict.label.value == "resolved"


@pytest.mark.parametrize(
    ("url", "shape"),
    [
        ("https://support.example.com/en-us/HT201419", "article_link"),
        ("https://web.archive.org/web/20200401/https://support.example.com/youtube/answer/6013276", "article_link"),
        ("https://support.example.com/in-en/document/c04745752", "article_link"),
        ("https://www.example.com/locator", "bare_page_link"),
        ("https://help.example.com/download-install.html", "bare_page_link"),
        ("https://www.example.com/support/account/pay-your-bill", None),
    ],
)
def test_link_shape_tells_a_numbered_article_from_a_landing_page(url: str, shape: str | None) -> None:
    assert link_shape(url) == shape


def _features(*turns: tuple[str, str]) -> dict[str, float]:
    doc = build_artifacts(conversation(*turns), load_lexicon())
    f = read_features(doc)
    return dict(zip(FEATURES, feature_vector(doc, f, cascade(doc, f)[0].label.value), strict=True))


def test_questions_still_asked_count_outside_links_only() -> None:
    still_asking = _features(
        ("c", "My songs show the wrong artist"),
        ("a", "Do they appear correctly in iTunes? Do you sync via USB? See https://example.com/music?topic=sync"),
    )
    assert still_asking["question_marks"] == 2.0
    assert still_asking["article_link"] == 0.0 and still_asking["bare_page_link"] == 1.0
    answered = _features(
        ("c", "Does liking an album follow the artist?"),
        ("a", "Liking an album won't follow the artist: https://example.com/help/answer/123456?hl=en"),
    )
    assert answered["question_marks"] == 0.0
    assert answered["article_link"] == 1.0


@pytest.mark.parametrize(
    "reply",
    [
        # LABELS.md names e-mail as a private channel: "send us an email" needs no "we'll look into it"
        "Please send us an email at https://help.example.com/hc/en-us/requests/new Remember to attach your order ID.",
        # "so we may assist you one-on-one": the company itself takes the case privately
        "Please create a support ticket so we may assist you one-on-one. https://support.example.com/categories",
        "Please follow this link so that we can help you one-on-one: https://support.example.com/categories/2001",
        "Please go here so that we may help resolve your issue: https://support.example.com/categories/2001?step=2",
        "Sorry for the delay! Can you pls share a few details here so that we can reach out asap: "
        "https://support.example.com/hc/en-us/requests/new",
    ],
)
def test_request_to_continue_privately_with_the_company_is_moved_private(reply: str) -> None:
    verdict = _outcome(("c", "I bought the bundle two days ago and never got the money in game."), ("a", reply))
    assert verdict.label.value == "moved_private"
    assert _rule(("c", "I bought the bundle two days ago and never got the money in game."), ("a", reply)) == "private"


def test_one_on_one_support_of_another_team_stays_a_hand_off() -> None:
    verdict = _outcome(
        ("c", "Is there a keyboard shortcut to jump to the next comment?"),
        (
            "a",
            "It looks like one-on-one support will be able to help you best. Please head here "
            "(https://helpx.example.com/support.html) and select the chat button.",
        ),
    )
    assert verdict.label.value == "deflected"


@pytest.mark.parametrize(
    ("url", "home"),
    [
        ("https://web.archive.org/web/20200405031915/https://help.example.net/hc/en-us", True),
        ("https://support.example.com", True),
        ("https://www.example.com/en-us/help/", True),
        ("https://support.example.com/youtube/answer/2802168", False),
        ("https://help.example.com/s/contactsupport", False),
        # a company's own home page or locator is where the customer acts, not a help centre
        ("https://www.example.com", False),
        ("https://locator.example.com/?locale=en_US", False),
    ],
)
def test_help_centre_front_page(url: str, home: bool) -> None:
    assert is_help_centre_home(url) is home


def test_help_centre_front_page_is_a_deflection() -> None:
    """LABELS.md: "a link to a generic help centre ... with nobody owning the result, is `deflected`"."""
    verdict = _outcome(
        ("c", "The game keeps crashing after the update on Windows 10, any help?"),
        ("a", "For technical help, please visit our Help site https://help.example.net/hc/en-us ^JS"),
    )
    assert verdict.label.value == "deflected"
    assert [e.text for e in verdict.evidence] == ["https://help.example.net/hc/en-us"]


def test_how_to_use_a_ticket_form_is_a_hand_off_unless_the_customer_asked_for_one() -> None:
    """"You can submit a ticket at <form>" describes the hand-off, it does not answer a problem; it does
    answer "how do I open a ticket?"."""
    reply = ("a", "You can submit a ticket at: https://support.example.com/categories Please include your account ID.")
    problem = _outcome(("c", "I traded in my office and never got the money back, lost 1.1 million."), reply)
    assert problem.label.value == "deflected"
    assert [e.text for e in problem.evidence] == ["https://support.example.com/categories"]
    asked = _outcome(("c", "Hello, how do I create a support ticket about my game?"), reply)
    assert asked.label.value == "resolved"


def test_contact_route_the_customer_asked_for_is_the_answer() -> None:
    """"Any phone number to chat with someone today?" is fully answered by the page listing the numbers."""
    reply = ("a", "Hello, you can find all of our phone numbers here: https://www.example.com/contact-us ^Li")
    question = ("c", "Any phone number avail to chat with someone today? Our site is down.")
    assert _outcome(question, reply).label.value == "resolved"
    assert _rule(question, reply) == "contact_asked"
    # a customer giving their own e-mail address has not asked for a way in
    problem = _outcome(("c", "My channel was suspended, please restore it. My e-mail address: me@example.com"), reply)
    assert problem.label.value == "deflected"


def test_condition_the_complaining_customer_already_meets_is_the_reply_not_a_fallback() -> None:
    """"If you think it happened in error, you can appeal" to someone protesting a ban is a hand-off to
    the appeal process; "if it still happens, you can appeal" after an answer is only a fallback."""
    ban = ("c", "You deleted my channel for no reason!! I only watch videos on it.")
    main = ("a", "If you think it happened in error, you can always appeal: https://support.example.com/appeals")
    verdict = _outcome(ban, main)
    assert verdict.label.value == "deflected"
    assert any("appeal" in e.text for e in verdict.evidence)
    fallback = (
        "a",
        "Channels are reviewed within 2 days. If it still happens after that, you can appeal: "
        "https://support.example.com/appeals",
    )
    assert _outcome(ban, fallback).label.value != "deflected"


@pytest.mark.parametrize(
    ("request_line", "evidence"),
    [
        ("What's the product and serial number of your computer.", "What's the"),
        ("Share the serial number of your laptop to check if it is eligible.", "Share the serial number"),
    ],
)
def test_request_for_the_customers_details_leaves_the_case_open(request_line: str, evidence: str) -> None:
    """The agent still needs details before it can answer: neither fixed nor refused (LABELS.md unresolved)."""
    turns = (
        ("c", "How do I get the latest driver for the Windows 10 update on my HP laptop?"),
        (
            "a",
            f"I'd like to help. {request_line} For details on how to locate your serial number, click the "
            "following link: https://support.example.com/document/c03754824",
        ),
    )
    verdict = _outcome(*turns)
    assert verdict.label.value == "unresolved"
    assert _rule(*turns) == "question"
    assert any(e.text.startswith(evidence) for e in verdict.evidence)


def test_condition_restating_the_customers_own_words_is_the_reply() -> None:
    """"If you're unable to sign in and have forgotten your password, visit <article>" answers a customer
    who said exactly that; the same "if" about something the customer never said stays a fallback."""
    reply = (
        "a",
        "If you're unable to sign in and you have forgotten your password, please visit our account help page "
        "for the recovery options: https://help.example.com/kb/account/SLN2051.html",
    )
    stuck = ("c", "Your site will not let me sign in to my email, and I forgot my password. How can I sign in?")
    assert _outcome(stuck, reply).label.value == "resolved"
    for customer, fallback in ((stuck, False), (("c", "Why does my inbox show adverts between my messages?"), True)):
        doc = build_artifacts(conversation(customer, reply), load_lexicon())
        assert is_conditional(doc, doc.turns[1], 0) is fallback


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        # the company has no such feature: a plain no
        ("We currently don't have that feature yet. You can send us feedback here.", "clear_no"),
        # the customer lacks funds: an explanation, nothing is refused
        ("If it asks for a payment method it is because you don't have enough funds for the taxes.", "resolved"),
    ],
)
def test_we_dont_have_is_a_no_you_dont_have_is_an_explanation(reply: str, expected: str) -> None:
    verdict = _outcome(("c", "Why can't I buy the game with my wallet? Is it possible to see tax?"), ("a", reply))
    assert (verdict.label.value == "clear_no") is (expected == "clear_no")


def test_basic_troubleshooting_checklist_is_generic_tips_not_the_answer() -> None:
    """LABELS.md: "generic tips" are `unresolved`; a basic/general troubleshooting checklist fits any problem.
    A troubleshooting article for the named problem (connection errors) can still be the answer."""
    customer = ("c", "After every 10 minutes online I keep getting an error and I can't pass the tutorial on Xbox.")
    checklist = (
        "a",
        "Please try the steps outlined in this article to resolve your Xbox One issue: "
        "https://support.example.com/articles/204233953/Basic-Troubleshooting-for-the-Xbox-One-Console",
    )
    verdict = _outcome(customer, checklist)
    assert verdict.label.value == "unresolved"
    assert any("Basic-Troubleshooting" in e.text for e in verdict.evidence)
    features = _features(customer, checklist)
    assert features["answer_cues"] == 0.0
