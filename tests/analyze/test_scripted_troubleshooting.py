import pytest

from analyze.conversation_builder import run_detector, spans

CASES = [
    # step the customer already said they tried
    (
        "Game won't load. I've restarted my console twice and nothing works.",
        "Have you tried restarting your console?",
        [(1, "restarting")],
    ),
    (
        "I cleared the cache and cookies already, still the same error",
        "Please try clearing your cache and cookies.",
        [(1, "clearing your cache")],
    ),
    (
        "I'm forced to reset my password every week",
        "Did you try resetting your password on this page?",
        [(1, "resetting your password")],
    ),
    # hard contrast: a fitting step not yet tried is good troubleshooting
    ("Game won't load after the update", "Please try restarting your console.", []),
    ("Page looks broken in Chrome", "Try clearing your cache and cookies.", []),
]


@pytest.mark.parametrize(("customer", "agent", "expected"), CASES)
def test_scripted_troubleshooting_table(customer: str, agent: str, expected: list[tuple[int, str]]) -> None:
    assert spans(run_detector("scripted_troubleshooting.v2", ("c", customer), ("a", agent))) == expected


# Contrasts for the rules added in v2: each pair differs only in what the customer said before the step.
V2_CASES = [
    # the customer already did "everything": any checklist step is one they tried
    (
        "The app keeps crashing. I've tried everything and nothing works.",
        "Please try reinstalling the app.",
        [(1, "reinstalling")],
    ),
    ("The app keeps crashing since this morning.", "Please try reinstalling the app.", []),
    # the customer ruled out their connection; a connection check ignores it
    (
        "Can't join online sessions, my connection is fine.",
        "Please check your internet connection first.",
        [(1, "check your internet connection")],
    ),
    ("Can't join online sessions tonight.", "Please check your internet connection first.", []),
    # a device step for an account problem (no malfunction reported) does not fit the problem
    (
        "My channel was suspended for no reason.",
        "Try restarting your phone and clearing the app cache.",
        [(1, "restarting")],
    ),
    ("My channel page crashes when it loads.", "Try restarting your phone and clearing the app cache.", []),
    # ... nor for a deliberate product change
    ("Why did you remove the cover art from playlists?", "Try restarting your device.", [(1, "restarting")]),
    # a basic-troubleshooting checklist link after the customer said they restarted
    (
        "I restarted my console twice and nothing works.",
        "See https://support.example.com/articles/1/Basic-Troubleshooting-for-Consoles",
        [(1, "Basic-Troubleshooting")],
    ),
    # mentions that push nothing: acknowledging a step already done, or an event called "the restart of"
    (
        "I reinstalled it and it still crashes.",
        "Sorry it still crashes even after reinstalling, please send us a report.",
        [],
    ),
    ("I reinstalled it and it still crashes.", "Please try reinstalling it once more.", [(1, "reinstalling")]),
    ("When do you reopen the India site? Tried everything.", "No date yet for the restart of the India site.", []),
    # the account-recovery flow sent back to someone who says it already failed them ...
    (
        "I'm unable to recover my old email, the recovery page says it can't verify me.",
        "Have you already tried recovering your account using the steps here: https://example.com/recovery",
        [(1, "recovering your account")],
    ),
    # the same, said as "it won't let me" or with Twitter spelling ("tryed everything")
    (
        "You don't even let me recover my own account.",
        "Have you already tried recovering your account using the steps here: https://example.com/recovery",
        [(1, "recovering your account")],
    ),
    (
        "Lost my phone, I tryed everything on the account page.",
        "Have you already tried recovering your account using the steps here: https://example.com/recovery",
        [(1, "recovering your account")],
    ),
    # ... is not the same as sending it to someone asking how to recover (a fitting first step)
    (
        "How do I recover my account? I lost my phone.",
        "You can start recovering your account using the steps here: https://example.com/recovery",
        [],
    ),
]


@pytest.mark.parametrize(("customer", "agent", "expected"), V2_CASES)
def test_scripted_troubleshooting_v2_rules(customer: str, agent: str, expected: list[tuple[int, str]]) -> None:
    assert spans(run_detector("scripted_troubleshooting.v2", ("c", customer), ("a", agent))) == expected
