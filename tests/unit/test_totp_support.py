"""The test helper that types an authenticator code leaves the code time to be checked."""

from __future__ import annotations

from tests.support.totp import STEP, code_to_type, totp

SECRET = "JBSWY3DPEHPK3PXP"


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_a_code_with_time_left_is_typed_at_once() -> None:
    clock = Clock(STEP * 1000 + 3)
    assert code_to_type(SECRET, clock=clock, sleep=clock.sleep) == totp(SECRET, STEP * 1000 + 3)
    assert clock.slept == []


def test_a_code_about_to_turn_waits_for_the_next_step() -> None:
    clock = Clock(STEP * 1000 + 25)
    code = code_to_type(SECRET, clock=clock, sleep=clock.sleep)
    assert code == totp(SECRET, STEP * 1001)
    assert code != totp(SECRET, STEP * 1000)
    assert STEP - clock.now % STEP >= 10
