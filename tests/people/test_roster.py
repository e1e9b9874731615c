"""People in bulk from a CSV file in the administration: upload, preview, confirm."""

import time

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from objectives.models import Membership, Team
from people import roster
from tests.factories import MembershipFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
IMPORT = reverse("admin:auth_user_import")
HEADER = "name,email,team,role,team_leader\n"


def organization(people=200, per_team=10):
    """A CSV of `people` in teams of `per_team`, each team led by one of its own lines'
    leaders (listed first, without a team of their own)."""
    lines = [HEADER]
    teams = people // per_team
    for t in range(teams):
        lines.append(f"Leader {t} Lead,leader{t}@acme.example,,,\n")
    for n in range(people - teams):
        t = n % teams
        role = ["pm", "tech_lead", "designer", "other"][n % 4]
        lines.append(
            f"Person {n} Surname,person{n}@acme.example,Team {t},{role},leader{t}@acme.example\n"
        )
    return "".join(lines).encode()


def upload(client, data, **options):
    file = SimpleUploadedFile("people.csv", data, content_type="text/csv")
    return client.post(IMPORT, {"file": file, **options})


def confirm(client, response):
    return client.post(IMPORT, {"digest": response.context["plan"].digest}, follow=True)


@pytest.fixture
def admin_client(client_for, admin_user):
    return client_for(admin_user)


def test_two_hundred_people_import_in_one_go_and_a_second_import_changes_nothing(admin_client):
    data = organization(200)
    started = time.monotonic()
    preview = upload(admin_client, data)
    assert User.objects.count() == 1  # the preview wrote nothing
    done = confirm(admin_client, preview)
    elapsed = time.monotonic() - started

    assert preview.context["plan"].counts == {
        "created": 200,
        "changed": 0,
        "unchanged": 0,
        "error": 0,
    }
    assert b"200 people created" in done.content
    assert User.objects.count() == 201 and Team.objects.count() == 20
    assert Membership.objects.count() == 180
    team = Team.objects.get(name="Team 3")
    assert team.leader.email == "leader3@acme.example"
    assert elapsed < 20, f"importing 200 people took {elapsed:.1f}s"

    again = upload(admin_client, data)
    assert again.context["plan"].counts == {
        "created": 0,
        "changed": 0,
        "unchanged": 200,
        "error": 0,
    }
    assert b"The file changes nothing." in again.content


def test_the_preview_says_what_changes_line_by_line(admin_client, team, pm, leader):
    new_leader = UserFactory(username="ines", email="ines@acme.example")
    data = (
        HEADER
        + "Samuel Rivera,pm@example.com,Checkout,tech_lead,ines@acme.example\n"
        + "Nora Diaz,nora@acme.example,Checkout,designer,\n"
        + "Maya Chen,leader@example.com,,,\n"
    ).encode()

    response = upload(admin_client, data)

    lines = {line.number: line for line in response.context["plan"].lines}
    assert lines[2].outcome == "changed"
    assert lines[2].changes == [
        "name: Sam Rivera → Samuel Rivera",
        "Checkout now led by ines@acme.example",
        "role in Checkout: Product manager → Tech lead",
    ]
    assert lines[3].outcome == "created" and lines[3].changes == ["joins Checkout as Designer"]
    assert lines[4].outcome == "unchanged"

    confirm(admin_client, response)
    team.refresh_from_db(), pm.refresh_from_db()
    assert team.leader == new_leader and pm.first_name == "Samuel"
    assert Membership.objects.get(user=pm, team=team).role == "tech_lead"


def test_errors_are_listed_by_line_and_nothing_is_written(admin_client, team):
    data = (
        HEADER
        + "Ann,not-an-address,Checkout,pm,\n"
        + "Bob,bob@acme.example,Checkout,boss,\n"
        + "Cat,cat@acme.example,Brand new team,pm,\n"
        + "Dan,dan@acme.example,Checkout,pm,\n"
        + "Dan,dan@acme.example,Checkout,designer,\n"
        + "Eve,eve@acme.example,Search,pm,ghost@acme.example\n"
        + "Fay,fay@acme.example,,,\n"
        + "Fay Other,fay@acme.example,,,\n"
    ).encode()

    response = upload(admin_client, data)

    assert response.status_code == 422
    assert sorted(response.context["plan"].errors) == [
        (2, "“not-an-address” is not an e-mail address."),
        (3, "Unknown role “boss”: use pm, tech_lead, designer or other."),
        (4, "Brand new team is a new team: name its leader (team_leader)."),
        (6, "The same person and team as on line 5."),
        (7, "The team leader ghost@acme.example is neither in Headway nor in the file."),
        (9, "Another name for the same person as on line 8."),
    ]
    assert b"Line 3:" in response.content and b"nothing is imported" in response.content
    assert b'value="Import"' not in response.content
    assert User.objects.count() == 2  # the admin and the team's leader
    # A confirmation cannot sneak past the errors either.
    assert admin_client.post(IMPORT, {"digest": "x"}, follow=True).status_code == 200
    assert User.objects.count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The submitted file is empty."),
        (b"\n\n", "The file is empty."),
        (b"fullname,mail\nAnn,ann@acme.example\n", "missing: name"),
        ("name,email\nZoë,zoe@acme.example\n".encode("latin-1"), "not in UTF-8"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(admin_client, data, message):
    response = upload(admin_client, data)

    assert response.status_code == 422
    assert message in response.content.decode()


def test_excel_files_with_semicolons_a_bom_and_french_roles_are_read(admin_client, team):
    data = (
        "\ufeffName;E-mail;Team;Role;Team leader\r\n"
        "Zoé Martin;zoe@acme.example;Checkout;Product Manager;\r\n"
        "Léa Petit;lea@acme.example;Checkout;Autre;\r\n"
    )

    response = upload(admin_client, data.encode("utf-8"))
    confirm(admin_client, response)

    zoe = User.objects.get(email="zoe@acme.example")
    assert (zoe.first_name, zoe.last_name) == ("Zoé", "Martin")
    assert not zoe.has_usable_password()
    assert Membership.objects.get(user=zoe).role == Membership.Role.PRODUCT_MANAGER
    assert Membership.objects.get(user__email="lea@acme.example").role == Membership.Role.OTHER


def test_a_file_listing_every_team_moves_people_out_of_the_others(
    admin_client, team, pm, other_team
):
    data = f"{HEADER}Sam Rivera,pm@example.com,{other_team.name},pm,\n".encode()

    moved = upload(admin_client, data, remove_missing="on")
    kept = upload(admin_client, data)

    assert moved.context["plan"].lines[0].changes == [
        "joins Payments Platform as Product manager",
        "leaves Checkout",
    ]
    assert kept.context["plan"].lines[0].changes == ["joins Payments Platform as Product manager"]
    admin_client.post(IMPORT, {"digest": kept.context["plan"].digest})
    assert set(pm.memberships.values_list("team__name", flat=True)) == {
        "Checkout",
        "Payments Platform",
    }


def test_a_change_made_between_preview_and_confirmation_is_shown_before_anything_is_written(
    admin_client, team, pm
):
    data = f"{HEADER}Sam Rivera,pm@example.com,Checkout,designer,\n".encode()
    preview = upload(admin_client, data)
    Membership.objects.filter(user=pm).update(role="other")

    response = confirm(admin_client, preview)

    assert b"changed since the preview" in response.content
    assert Membership.objects.get(user=pm).role == "other"
    assert response.context["plan"].lines[0].changes == ["role in Checkout: Other → Designer"]


def test_a_forged_confirmation_writes_nothing(admin_client):
    upload(admin_client, f"{HEADER}Ann Lee,ann@acme.example,,,\n".encode())

    response = admin_client.post(IMPORT, {"digest": "0" * 64}, follow=True)

    assert b"That preview has expired" in response.content
    assert not User.objects.filter(email="ann@acme.example").exists()


def test_a_deactivated_person_is_not_brought_back_by_a_file(admin_client):
    UserFactory(username="old", email="old@acme.example", is_active=False)

    response = upload(admin_client, f"{HEADER}Old Timer,old@acme.example,,,\n".encode())

    assert "deactivated: reactivate them" in response.content.decode()


def test_the_export_imports_back_unchanged(admin_client, team, pm, tech_lead, other_team, outsider):
    export = admin_client.get(reverse("admin:auth_user_export"))

    assert export["Content-Type"] == "text/csv; charset=utf-8"
    text = export.content.decode()
    assert text.splitlines()[0] == "name,email,team,role,team_leader"
    assert "Sam Rivera,pm@example.com,Checkout,pm,leader@example.com" in text
    response = upload(admin_client, export.content)
    assert response.context["plan"].counts["changed"] == 0
    assert response.context["plan"].counts["created"] == 0
    assert not response.context["plan"].has_changes


def test_reading_a_file_writes_nothing_and_costs_few_queries(django_assert_max_num_queries):
    TeamFactory(name="Team 0")
    data = organization(200)

    with django_assert_max_num_queries(5):
        plan = roster.read(data)

    assert plan.is_valid and User.objects.count() == 1


def test_only_people_who_may_add_people_import(client_for, pm):
    MembershipFactory()
    response = client_for(pm).get(IMPORT)
    assert response.status_code == 302 and "/admin/login/" in response.url
