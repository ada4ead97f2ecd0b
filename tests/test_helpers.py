"""The test helpers themselves: a TOTP code from totp_code() outlives the submit that uses it."""

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, validate_totp_code

from tests.helpers import TOTP_MARGIN, totp_code

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
PERIOD_START = 1_800_000_000 - 1_800_000_000 % 30  # Some 30-second period in 2027.


class FakeClock:
    """time.time and time.sleep of a clock that only moves when slept on."""

    def __init__(self, now):
        self.now = now
        self.slept = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


def code_of(counter):
    return format_hotp_value(hotp_value(SECRET, counter))


def test_a_code_read_near_the_end_of_its_period_waits_for_the_next_period():
    clock = FakeClock(PERIOD_START + 29.5)
    code = totp_code(SECRET, clock=clock, sleep=clock.sleep)
    assert clock.slept == [0.55]
    assert code == code_of(PERIOD_START // 30 + 1)
    assert code != code_of(PERIOD_START // 30)


def test_a_code_with_enough_time_left_comes_at_once():
    clock = FakeClock(PERIOD_START + 30 - TOTP_MARGIN - 0.01)
    assert totp_code(SECRET, clock=clock, sleep=clock.sleep) == code_of(PERIOD_START // 30)
    assert clock.slept == []


def test_the_margin_is_kept_at_every_moment_of_a_period():
    for tenth in range(300):
        clock = FakeClock(PERIOD_START + tenth / 10)
        code = totp_code(SECRET, clock=clock, sleep=clock.sleep)
        counter = int(clock.now) // 30
        assert code == code_of(counter)
        assert (counter + 1) * 30 - clock.now >= TOTP_MARGIN, tenth / 10


def test_the_code_is_the_one_allauth_accepts_now():
    assert validate_totp_code(SECRET, totp_code(SECRET))
