"""One's own settings, the profile photo, and the terms of use.

Karin (the guardian) edits her contact details, mail preferences and
profile; bad values are refused with the field named and nothing saved.
Her photo is served to her alone. A user who has not accepted the current
terms can read `me`, accept the terms and nothing else, until they do.
An SS 12000 import leaves alone the contact details a person edited.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import ExifTags, Image
from strawberry.types import ExecutionResult

from core.importers.ss12000 import import_dataset
from core.models import AccountSettings, LearningLogImage, Person, User
from tests.factories import GuardianshipFactory, PersonFactory, user_for
from tests.graphql import client_for, execute, run
from tests.ss12000_data import dataset, find, uid
from tests.workflows import snapshot

pytestmark = pytest.mark.django_db

ERRORS = "errors { code message field }"
CONTACT = "contact { email phone mobilePhone streetAddress postalCode locality visibleToFamilies }"
SETTINGS = f"emailImportant emailMessages emailSystem description photoUrl {CONTACT}"
SETTINGS_UPDATE = f"""
mutation($input: SettingsUpdateInput!) {{
  settingsUpdate(input: $input) {{ settings {{ {SETTINGS} }} {ERRORS} }}
}}
"""
PHOTO_SET = f"""
mutation($input: SettingsPhotoSetInput!) {{
  settingsPhotoSet(input: $input) {{ settings {{ photoUrl }} {ERRORS} }}
}}
"""
TERMS_ACCEPT = f"""
mutation($input: TermsAcceptInput!) {{
  termsAccept(input: $input) {{ settings {{ termsPending termsVersion }} {ERRORS} }}
}}
"""
ME = f"{{ me {{ settings {{ {SETTINGS} }} }} }}"
TERMS = "{ me { username settings { termsPending currentTermsVersion termsVersion } } }"
PUPILS = "{ pupils { edges { node { name } } } }"
NOT_ACCEPTED = [
    ("Accept the terms of use first (mutation termsAccept).", {"code": "TERMS_NOT_ACCEPTED"})
]
EVERYTHING = {
    "email": "karin.lind@example.com",
    "phone": "08-123 45 67",
    "mobilePhone": "070-123 45 67",
    "streetAddress": "Björkvägen 3",
    "postalCode": "123 45",
    "locality": "Exempelby",
    "visibleToFamilies": True,
}
PREFERENCES = {
    "emailImportant": False,
    "emailMessages": False,
    "emailSystem": True,
    "description": "Mamma till Alva. Hörs gärna på kvällar.",
}
PHONE = "A phone number has 5 to 20 digits, e.g. 070-123 45 67."
TODAY = dt.date(2026, 11, 23)


def errors_of(result: ExecutionResult) -> list[tuple[str, object]]:
    return [(error.message, error.extensions) for error in result.errors or []]


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitude] = (59.0, 19.0, 48.0)
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), "blue").save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def photo(name: str = "IMG_0042.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_with_gps(), content_type="image/jpeg")


def png(name: str = "bild.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), "green").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def files_in(root) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def pending_guardian(cast) -> User:
    """A second custodian of Alva, who has not accepted the terms yet."""
    person = PersonFactory(given_name="Per", family_name="Elev")
    GuardianshipFactory(pupil=cast.alva, guardian=person)
    return user_for(person, terms_version="", terms_accepted_at=None)


# Contact details, mail and profile


def test_the_guardian_saves_contact_details_preferences_and_description(cast):
    # given
    karin = cast["guardian"]

    # when
    data = run(karin, SETTINGS_UPDATE, {"input": EVERYTHING | PREFERENCES})

    # then
    expected = {**PREFERENCES, "photoUrl": None, "contact": EVERYTHING}
    assert data["settingsUpdate"] == {"settings": expected, "errors": []}
    assert run(karin, ME) == {"me": {"settings": expected}}
    assert Person.objects.get(pk=karin.person_id).contact_edited is True


def test_a_field_left_out_stays_and_an_empty_one_is_cleared(cast):
    # given
    karin = cast["guardian"]
    run(karin, SETTINGS_UPDATE, {"input": EVERYTHING | PREFERENCES})

    # when
    data = run(karin, SETTINGS_UPDATE, {"input": {"phone": "", "emailSystem": False}})

    # then
    assert data["settingsUpdate"]["settings"] == {
        **PREFERENCES,
        "emailSystem": False,
        "photoUrl": None,
        "contact": {**EVERYTHING, "phone": ""},
    }


def test_text_is_stripped(cast):
    # when
    data = run(
        cast["guardian"],
        SETTINGS_UPDATE,
        {
            "input": {
                "email": "  karin@example.com ",
                "locality": " Exempelby\n",
                "description": "  Hej!  ",
            }
        },
    )

    # then
    settings = data["settingsUpdate"]["settings"]
    assert (
        settings["contact"]["email"],
        settings["contact"]["locality"],
        settings["description"],
    ) == ("karin@example.com", "Exempelby", "Hej!")


def test_preferences_alone_leave_the_contact_details_to_the_register(cast):
    # given
    karin = cast["guardian"]

    # when
    run(karin, SETTINGS_UPDATE, {"input": PREFERENCES})

    # then
    assert Person.objects.get(pk=karin.person_id).contact_edited is False
    assert AccountSettings.objects.get(user=karin).description == PREFERENCES["description"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "karin@", "Not an email address."),
        ("email", "karin lind@example.com", "Not an email address."),
        ("phone", "ring mig", PHONE),
        ("phone", "123", PHONE),
        ("mobilePhone", "070-123 45 67 89 10 11 12", PHONE),
        ("postalCode", "1234", "A postal code has five digits, e.g. 123 45."),
        ("postalCode", "SE-123 45", "A postal code has five digits, e.g. 123 45."),
    ],
)
def test_an_invalid_contact_detail_is_refused_and_nothing_saved(cast, field, value, message):
    # given
    before = snapshot()
    changes = {**EVERYTHING, **PREFERENCES, field: value}

    # when
    data = run(cast["guardian"], SETTINGS_UPDATE, {"input": changes})

    # then
    assert data["settingsUpdate"] == {
        "settings": None,
        "errors": [{"code": "VALIDATION", "message": message, "field": field}],
    }
    assert snapshot() == before


@pytest.mark.parametrize(
    ("field", "value"),
    [("streetAddress", "Hemliga gatan 1"), ("postalCode", "123 45"), ("locality", "Exempelby")],
)
def test_no_address_is_kept_for_a_person_with_protected_identity(cast, field, value):
    # given
    karin = cast["guardian"]
    Person.objects.filter(pk=karin.person_id).update(security_marking="Skyddad folkbokföring")
    before = snapshot()

    # when
    data = run(karin, SETTINGS_UPDATE, {"input": {"phone": "070-123 45 67", field: value}})

    # then
    assert data["settingsUpdate"] == {
        "settings": None,
        "errors": [
            {
                "code": "VALIDATION",
                "field": field,
                "message": "No address is kept for a person with protected identity.",
            }
        ],
    }
    assert snapshot() == before


def test_a_person_with_protected_identity_may_clear_an_address_and_set_a_phone(cast):
    # given
    karin = cast["guardian"]
    Person.objects.filter(pk=karin.person_id).update(security_marking="Skyddad folkbokföring")

    # when
    data = run(karin, SETTINGS_UPDATE, {"input": {"streetAddress": "", "phone": "070-123 45 67"}})

    # then
    assert data["settingsUpdate"]["errors"] == []
    assert (
        data["settingsUpdate"]["settings"]["contact"]["streetAddress"],
        data["settingsUpdate"]["settings"]["contact"]["phone"],
    ) == ("", "070-123 45 67")


def test_an_anonymous_visitor_changes_no_settings(cast):
    # given
    before = snapshot()

    # when
    data = run(cast["anonymous"], SETTINGS_UPDATE, {"input": PREFERENCES})

    # then
    assert data["settingsUpdate"] == {
        "settings": None,
        "errors": [
            {
                "code": "NOT_AUTHENTICATED",
                "message": "Sign in first.",
                "field": None,
            }
        ],
    }
    assert snapshot() == before


# The profile photo


def test_a_photo_is_stored_cleaned_and_served_to_its_owner_only(cast, settings, tmp_path):
    # given
    settings.MEDIA_ROOT = tmp_path
    karin = cast["guardian"]

    # when
    data = run(karin, PHOTO_SET, {"input": {"photo": photo()}})

    # then
    assert data["settingsPhotoSet"] == {"settings": {"photoUrl": "/media/photo"}, "errors": []}
    stored = AccountSettings.objects.get(user=karin).photo
    assert files_in(tmp_path) == [stored.name]
    served = client_for(karin).get("/media/photo")
    assert served.status_code == 200
    content = served.getvalue()
    assert content == (tmp_path / stored.name).read_bytes()
    shown = Image.open(io.BytesIO(content))
    assert (shown.size, dict(shown.getexif())) == ((8, 6), {})
    assert client_for(cast["teacher"]).get("/media/photo").status_code == 404
    assert Client().get("/media/photo").status_code == 404


def test_a_new_photo_replaces_the_old_file(cast, settings, tmp_path):
    # given
    settings.MEDIA_ROOT = tmp_path
    karin = cast["guardian"]
    run(karin, PHOTO_SET, {"input": {"photo": photo()}})
    old = AccountSettings.objects.get(user=karin).photo.name

    # when
    run(karin, PHOTO_SET, {"input": {"photo": png()}})

    # then
    new = AccountSettings.objects.get(user=karin).photo.name
    assert (new.endswith(".png"), files_in(tmp_path)) == (True, [new])
    assert old != new


def test_removing_the_photo_deletes_it(cast, settings, tmp_path):
    # given
    settings.MEDIA_ROOT = tmp_path
    karin = cast["guardian"]
    run(karin, PHOTO_SET, {"input": {"photo": photo()}})

    # when
    data = run(karin, PHOTO_SET, {"input": {"photo": None}})

    # then
    assert data["settingsPhotoSet"] == {"settings": {"photoUrl": None}, "errors": []}
    assert files_in(tmp_path) == []
    assert AccountSettings.objects.get(user=karin).photo.name == ""
    assert client_for(karin).get("/media/photo").status_code == 404


def test_a_pdf_named_like_a_photo_is_refused(cast, settings, tmp_path):
    # given
    settings.MEDIA_ROOT = tmp_path
    pdf = SimpleUploadedFile("photo.jpg", b"%PDF-1.4\n%%EOF\n", content_type="image/jpeg")
    before = snapshot()

    # when
    data = run(cast["guardian"], PHOTO_SET, {"input": {"photo": pdf}})

    # then
    assert data["settingsPhotoSet"] == {
        "settings": None,
        "errors": [
            {
                "code": "VALIDATION",
                "field": "photo",
                "message": "photo: not a picture; send a JPEG, PNG, WebP or GIF image.",
            }
        ],
    }
    assert snapshot() == before
    assert files_in(tmp_path) == []


# The terms of use


def test_a_user_who_owes_the_terms_gets_one_error_for_a_query(cast):
    # given
    per = pending_guardian(cast)

    # when
    result = execute(per, PUPILS)

    # then
    assert (result.data, errors_of(result)) == (None, NOT_ACCEPTED)


def test_a_user_who_owes_the_terms_gets_one_error_for_a_mutation_and_nothing_changes(cast):
    # given
    per = pending_guardian(cast)
    before = snapshot()

    # when
    result = execute(per, SETTINGS_UPDATE, {"input": PREFERENCES})

    # then
    assert (result.data, errors_of(result)) == (None, NOT_ACCEPTED)
    assert snapshot() == before


def test_me_beside_another_field_does_not_open_the_gate(cast):
    # given
    per = pending_guardian(cast)

    # when
    result = execute(per, "{ me { username } pupils { totalCount } }")

    # then
    assert (result.data, errors_of(result)) == (None, NOT_ACCEPTED)


def test_me_does_not_open_the_pages_of_ones_children(cast):
    # given
    per = pending_guardian(cast)

    # when
    result = execute(per, "{ me { children { edges { node { name } } } } }")

    # then
    assert (result.data, errors_of(result)) == (None, NOT_ACCEPTED)


def test_a_user_who_owes_the_terms_reads_that_they_do(cast, settings):
    # given
    per = pending_guardian(cast)

    # when
    result = execute(per, TERMS)

    # then
    assert result.errors is None
    assert result.data == {
        "me": {
            "username": per.username,
            "settings": {
                "termsPending": True,
                "currentTermsVersion": settings.TERMS_VERSION,
                "termsVersion": "",
            },
        }
    }


def test_the_wrong_terms_version_is_refused(cast, settings):
    # given
    per = pending_guardian(cast)
    before = snapshot()

    # when
    data = run(per, TERMS_ACCEPT, {"input": {"version": "2020-01"}})

    # then
    assert data["termsAccept"] == {
        "settings": None,
        "errors": [
            {
                "code": "VALIDATION",
                "field": "version",
                "message": f"The current terms are version {settings.TERMS_VERSION}.",
            }
        ],
    }
    assert snapshot() == before
    assert execute(User.objects.get(pk=per.pk), TERMS).data == {
        "me": {
            "username": per.username,
            "settings": {
                "termsPending": True,
                "currentTermsVersion": settings.TERMS_VERSION,
                "termsVersion": "",
            },
        }
    }


def test_accepting_the_current_terms_opens_everything(cast, settings):
    # given
    per = pending_guardian(cast)

    # when
    data = run(per, TERMS_ACCEPT, {"input": {"version": settings.TERMS_VERSION}})

    # then
    assert data["termsAccept"] == {
        "settings": {
            "termsPending": False,
            "termsVersion": settings.TERMS_VERSION,
        },
        "errors": [],
    }
    reloaded = User.objects.get(pk=per.pk)
    assert (reloaded.terms_version, reloaded.terms_accepted_at is not None) == (
        settings.TERMS_VERSION,
        True,
    )
    assert run(reloaded, PUPILS) == {"pupils": {"edges": [{"node": {"name": "Alva Elev"}}]}}


def test_new_terms_close_the_gate_again_until_accepted(cast, settings):
    # given
    karin = cast["guardian"]
    settings.TERMS_VERSION = "2027-01"

    # when
    result = execute(karin, PUPILS)

    # then
    assert (result.data, errors_of(result)) == (None, NOT_ACCEPTED)


def test_media_answer_403_while_the_terms_are_pending(work, settings, tmp_path):
    # given
    settings.MEDIA_ROOT = tmp_path
    per = pending_guardian(work.cast)
    image = LearningLogImage.objects.create(entry=work.entry, image=png("alva.png"))
    AccountSettings.objects.create(user=per, photo=png("per.png"))

    # when
    log = client_for(per).get(f"/media/learning-log/{image.pk}")
    own = client_for(per).get("/media/photo")

    # then
    assert (log.status_code, own.status_code) == (403, 403)

    # when
    run(per, TERMS_ACCEPT, {"input": {"version": settings.TERMS_VERSION}})

    # then
    assert client_for(per).get(f"/media/learning-log/{image.pk}").status_code == 200
    assert client_for(per).get("/media/photo").status_code == 200


# The SS 12000 import


def test_an_import_leaves_the_contact_details_a_person_edited(settings):
    # given
    import_dataset(dataset(), today=TODAY)
    karin = User.objects.get(username="karin@vh.exempelby.example.com")
    User.objects.filter(pk=karin.pk).update(terms_version=settings.TERMS_VERSION)
    karin.refresh_from_db()
    run(
        karin,
        SETTINGS_UPDATE,
        {
            "input": {
                "email": "karin.lind@example.com",
                "phone": "08-123 45 67",
                "streetAddress": "Björkvägen 3",
                "postalCode": "123 45",
                "locality": "Exempelby",
            }
        },
    )
    data = dataset()
    for name in ("karin", "per"):
        record = find(data, "persons", name)
        record["familyName"] = "Lind-Berg"
        record["phoneNumbers"] = [{"value": "070-999 99 99", "type": "Hem", "mobile": True}]
        record["addresses"] = [
            {
                "type": "Folkbokföring",
                "streetAddress": "Nygatan 9",
                "postalCode": "99988",
                "locality": "Annanstad",
            }
        ]

    # when
    import_dataset(data, today=TODAY)

    # then
    fields = ("family_name", "email", "phone", "street_address", "postal_code", "locality")
    assert Person.objects.filter(external_id=uid("karin")).values_list(*fields).get() == (
        "Lind-Berg",
        "karin.lind@example.com",
        "08-123 45 67",
        "Björkvägen 3",
        "123 45",
        "Exempelby",
    )
    assert Person.objects.filter(external_id=uid("per")).values_list(*fields).get() == (
        "Lind-Berg",
        "per@example.com",
        "070-999 99 99",
        "Nygatan 9",
        "99988",
        "Annanstad",
    )


def test_an_import_drops_an_edited_address_once_the_person_is_protected(settings):
    # given
    import_dataset(dataset(), today=TODAY)
    karin = User.objects.get(username="karin@vh.exempelby.example.com")
    User.objects.filter(pk=karin.pk).update(terms_version=settings.TERMS_VERSION)
    karin.refresh_from_db()
    run(
        karin,
        SETTINGS_UPDATE,
        {
            "input": {
                "phone": "08-123 45 67",
                "streetAddress": "Björkvägen 3",
                "postalCode": "123 45",
                "locality": "Exempelby",
            }
        },
    )
    data = dataset()
    find(data, "persons", "karin")["securityMarking"] = "Skyddad folkbokföring"

    # when
    import_dataset(data, today=TODAY)

    # then
    fields = ("phone", "street_address", "postal_code", "locality")
    assert Person.objects.filter(external_id=uid("karin")).values_list(*fields).get() == (
        "08-123 45 67",
        "",
        "",
        "",
    )


def test_signing_in_does_not_open_the_pages_of_someone_who_owes_the_terms(cast):
    # given
    per = pending_guardian(cast)
    per.set_password("hemligt-lösen")
    per.save()
    login = """mutation { login(input: {username: "%s", password: "hemligt-lösen"}) {
        viewer { displayName children { edges { node { name } } }
                 groups { edges { node { name } } } schools { edges { node { name } } } } } }"""

    # when
    response = Client().post(
        "/graphql/", {"query": login % per.username}, content_type="application/json"
    )

    # then
    assert response.json()["data"]["login"]["viewer"] == {
        "displayName": "Per Elev",
        "children": {"edges": []},
        "groups": {"edges": []},
        "schools": {"edges": []},
    }


def test_signing_in_opens_nothing_else_in_the_same_request(work):
    # given
    per = pending_guardian(work.cast)
    per.set_password("hemligt-lösen")
    per.save()
    query = """mutation { login(input: {username: "%s", password: "hemligt-lösen"}) {
        errors { code } }
        learningLogCommentCreate(input: {entryId: "%s", text: "Hej"}) { errors { code } } }"""
    before = snapshot()

    # when
    response = Client().post(
        "/graphql/",
        {"query": query % (per.username, work.gid(work.entry))},
        content_type="application/json",
    )

    # then
    assert response.json()["data"] == {
        "login": {"errors": []},
        "learningLogCommentCreate": {"errors": [{"code": "TERMS_NOT_ACCEPTED"}]},
    }
    after = snapshot()
    del after["User"], before["User"]  # signing in records last_login
    assert after == before


def test_a_locality_longer_than_the_register_holds_is_refused(cast):
    # when
    data = run(cast["guardian"], SETTINGS_UPDATE, {"input": {"locality": "Å" * 101}})

    # then
    assert data["settingsUpdate"]["errors"] == [
        {
            "code": "VALIDATION",
            "message": "locality is longer than 100 characters.",
            "field": "locality",
        }
    ]


def test_showing_details_to_families_leaves_them_to_the_register(cast):
    # when
    run(cast["guardian"], SETTINGS_UPDATE, {"input": {"visibleToFamilies": True}})

    # then
    person = cast["guardian"].person
    person.refresh_from_db()
    assert (person.contact_visible_to_families, person.contact_edited) == (True, False)
