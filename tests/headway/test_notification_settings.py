"""Each person chooses their e-mails on /notifications/: which kinds, the day of their weekly
digests, their time zone. Only their own, and bad input changes nothing."""

import pytest
from django.urls import reverse

from headway.models import Email, EmailKind, Preference, Schedule, Weekday
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("notification_settings")


def sent(user, subject, n=0):
    return Email.objects.create(
        key=f"test:{user.pk}:{subject}:{n}",
        kind=EmailKind.CHECK_IN_REMINDER,
        recipient=user,
        to=user.email,
        language="en",
        subject=subject,
        text_body="...",
        html_body="...",
    )


def test_signing_in_is_required(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_everything_is_on_by_default_with_the_organizations_time_zone(client_for, pm):
    response = client_for(pm).get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    for kind in EmailKind:
        assert f'value="{kind.value}" id="email-kind-{kind.value}"' in page
    assert page.count(" checked>") == len(EmailKind)
    assert "The organization&#x27;s (Europe/Paris)" in page
    assert '<option value="1" selected>Monday</option>' in page


def test_the_page_says_when_each_email_goes_out_from_the_schedule(client_for, pm):
    Schedule(check_in_weekday=Weekday.TUESDAY, check_in_hour=14, notice_hour=8).save()

    page = client_for(pm).get(URL).content.decode()

    assert "Tuesday at 2 p.m., to product managers" in page
    assert "At 8 a.m. the day before each of your 1:1s" in page


def test_an_administrator_changes_the_one_schedule_from_the_admin(client_for, admin_user):
    client = client_for(admin_user)

    opened = client.get(reverse("admin:headway_schedule_changelist"))
    saved = client.post(
        opened.url,
        {"check_in_weekday": Weekday.FRIDAY, "check_in_hour": 15, "notice_hour": 7},
    )

    assert opened.url == reverse("admin:headway_schedule_change", args=[1])
    assert saved.status_code == 302
    schedule = Schedule.current()
    assert (schedule.check_in_weekday, schedule.check_in_hour, schedule.notice_hour) == (
        Weekday.FRIDAY,
        15,
        7,
    )
    assert client.get(reverse("admin:headway_schedule_add")).status_code == 403


def test_saving_turns_kinds_off_and_sets_the_digest_day_and_time_zone(client_for, pm):
    kept = [EmailKind.ESCALATION, EmailKind.ONE_ON_ONE_PREPARATION]
    response = client_for(pm).post(
        URL, {"emails_on": kept, "digest_day": Weekday.FRIDAY, "time_zone": "America/New_York"}
    )

    assert response.status_code == 302
    preference = Preference.objects.get(user=pm)
    assert set(preference.emails_off) == set(EmailKind.values) - set(kept)
    assert preference.digest_day == Weekday.FRIDAY
    assert preference.time_zone == "America/New_York"
    page = client_for(pm).get(URL).content.decode()
    assert "Notification settings saved." in page
    assert page.count(" checked>") == 2


def test_saving_keeps_the_language_chosen_before(client_for, pm):
    Preference.remember_language(pm, "fr")

    client_for(pm).post(URL, {"emails_on": [], "digest_day": 1, "time_zone": ""})

    assert Preference.objects.get(user=pm).language == "fr"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("digest_day", "9", "Select a valid choice. 9 is not one of the available choices."),
        ("time_zone", "Mars/Olympus_Mons", "Select a valid choice."),
        ("emails_on", "spam", "Select a valid choice. spam is not one of the available choices."),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_saved(
    client_for, pm, field, value, message
):
    data = {"emails_on": ["escalation"], "digest_day": "3", "time_zone": "Asia/Tokyo"}
    data[field] = value

    response = client_for(pm).post(URL, data)

    assert response.status_code == 422
    page = response.content.decode()
    assert message in page
    assert "Some settings were not saved: see below." in page
    assert not Preference.objects.filter(user=pm).exists()
    # What was typed is kept for another try.
    if field != "time_zone":
        assert '<option value="Asia/Tokyo" selected>' in page


def test_a_person_sees_only_the_emails_sent_to_them(client_for, pm, leader):
    sent(pm, "Two key results to check in")
    sent(leader, "Your week: three things need you")

    page = client_for(pm).get(URL).content.decode()

    assert "Two key results to check in" in page
    assert "Your week" not in page


def test_the_page_takes_the_same_queries_however_many_emails_were_sent(
    client_for, django_assert_num_queries
):
    person = UserFactory()
    client = client_for(person)
    sent(person, "First")
    client.get(URL)
    with django_assert_num_queries(5) as few:
        client.get(URL)
    for n in range(30):
        sent(person, "More", n)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(URL)
