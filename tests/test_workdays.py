from datetime import date, datetime

from engine.workdays import UK_TIME, WorkingDayCalendar

calendar = WorkingDayCalendar()


def at(day: str, hour: int = 10) -> datetime:
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), UK_TIME).replace(
        hour=hour
    )


def test_bank_holidays_of_england_and_wales_are_not_working_days():
    assert not calendar.is_working_day(date(2026, 12, 25))
    assert not calendar.is_working_day(date(2026, 12, 28))  # Boxing Day (observed)
    assert not calendar.is_working_day(date(2027, 3, 29))  # Easter Monday
    assert calendar.holiday_name(date(2027, 3, 26)) == "Good Friday"
    assert calendar.is_working_day(date(2027, 3, 30))


def test_five_working_days_across_christmas_and_new_year():
    # Wed 23 Dec: 24, 29, 30, 31 Dec and Mon 4 Jan are the five working days.
    assert calendar.add(at("2026-12-23"), 5) == at("2027-01-04")


def test_two_working_days_across_the_easter_bank_holiday_weekend():
    # Thu 25 Mar 2027 -> Good Friday, weekend, Easter Monday skipped -> Tue 30, Wed 31.
    assert calendar.add(at("2027-03-25"), 2) == at("2027-03-31")


def test_counting_from_a_weekend_starts_on_the_next_working_day():
    assert calendar.add(at("2027-01-09"), 1) == at("2027-01-11")  # Saturday -> Monday


def test_time_of_day_is_kept_in_uk_local_time_across_the_clock_change():
    # Fri 26 Mar 2027 is Good Friday; BST starts Sun 28 Mar. 09:00 UK stays 09:00 UK.
    result = calendar.add(at("2027-03-25", 9), 1)
    assert result == at("2027-03-30", 9)
    assert result.utcoffset().total_seconds() == 3600


def test_negative_counts_go_backwards_and_counts_between_agree():
    assert calendar.add(at("2027-01-04"), -5) == at("2026-12-23")
    assert calendar.count_between(date(2026, 12, 23), date(2027, 1, 4)) == 5
