"""Issuer-key rotation (API and CLI) and offline verification with `prodready verify`."""

from __future__ import annotations

from datetime import timedelta

from credentials.models import IssuerKey
from prodready.accounts.models import Role
from prodready.cli import main
from prodready.db import utcnow
from tests.credentials.conftest import issue, person
from tests.credentials.test_credentials import independent_decode, verify
from tests.helpers import assert_problem


def rotate(client, org, admin):
    return client.post(f"/api/v1/orgs/{org.slug}/issuer-keys/rotate", headers=admin.headers)


class TestRotation:
    def test_old_credentials_verify_after_rotation_until_the_old_key_expires(self, client, db, candidate,
                                                                             org_with_admin, settings_with):
        org, admin = org_with_admin
        settings_with(issuer_admin_org=org.slug)
        old = issue(client, candidate)
        response = rotate(client, org, admin)
        assert response.status_code == 200, response.text
        new_kid = response.json()["kid"]
        assert new_kid != old["kid"]
        kids = {k["kid"] for k in client.get("/.well-known/jwks.json").json()["keys"]}
        assert {old["kid"], new_kid} <= kids
        fresh = issue(client, candidate)
        assert fresh["kid"] == new_kid
        independent_decode(client, old["jwt"])
        assert verify(client, old["jwt"])["valid"] and verify(client, fresh["jwt"])["valid"]
        # Time passes beyond the old key's expiry: it leaves the JWKS and its credentials stop verifying.
        with db.unit_of_work() as session:
            retired = session.get(IssuerKey, old["kid"])
            assert retired.expires_at > utcnow() + timedelta(days=300)
            retired.expires_at = utcnow() - timedelta(seconds=1)
            session.add(retired)
        kids = {k["kid"] for k in client.get("/.well-known/jwks.json").json()["keys"]}
        assert old["kid"] not in kids and new_kid in kids
        assert verify(client, old["jwt"])["reason"] == "unknown-key"
        assert verify(client, fresh["jwt"])["valid"]

    def test_only_admins_of_the_issuer_organisation_rotate(self, client, db, org_with_admin, settings_with,
                                                           member_of):
        org, admin = org_with_admin
        assert_problem(rotate(client, org, admin), 404, "not-found")  # no operator organisation configured
        settings_with(issuer_admin_org=org.slug)
        interviewer = person(client, db)
        member_of(org, interviewer, Role.INTERVIEWER)
        assert_problem(rotate(client, org, interviewer), 403, "forbidden")
        outsider = person(client, db)
        assert_problem(rotate(client, org, outsider), 404, "not-found")


class TestVerifyCommand:
    def write(self, tmp_path, name, text):
        path = tmp_path / name
        path.write_text(text)
        return str(path)

    def test_valid_then_revoked_then_tampered(self, client, candidate, tmp_path, capsys):
        record = issue(client, candidate)
        token = self.write(tmp_path, "credential.jwt", record["jwt"])
        jwks = self.write(tmp_path, "jwks.json", client.get("/.well-known/jwks.json").text)
        assert main(["verify", token, "--jwks", jwks]) == 0
        assert "valid: Production ML literacy" in capsys.readouterr().out

        status_url = independent_decode(client, record["jwt"])["credentialStatus"]["statusListCredential"]
        status_path = "/" + status_url.split("://", 1)[1].split("/", 1)[1]
        clean_list = self.write(tmp_path, "status-before.jwt", client.get(status_path).text)
        assert main(["verify", token, "--jwks", jwks, "--status", clean_list]) == 0
        capsys.readouterr()

        client.post(f"/api/v1/credentials/{record['id']}/revoke", headers=candidate.headers)
        revoked_list = self.write(tmp_path, "status.jwt", client.get(status_path).text)
        assert main(["verify", token, "--jwks", jwks, "--status", revoked_list]) == 1
        assert "invalid (revoked)" in capsys.readouterr().out

        header, payload, signature = record["jwt"].split(".")
        tampered = self.write(tmp_path, "tampered.jwt", f"{header}.{payload[:-4]}AAAA.{signature}")
        assert main(["verify", tampered, "--jwks", jwks]) == 1
        assert "invalid (" in capsys.readouterr().out

    def test_a_status_list_for_another_url_is_not_accepted(self, client, candidate, tmp_path, capsys):
        record = issue(client, candidate)
        token = self.write(tmp_path, "credential.jwt", record["jwt"])
        jwks = self.write(tmp_path, "jwks.json", client.get("/.well-known/jwks.json").text)
        forged = self.write(tmp_path, "status.json", (
            '{"id": "https://elsewhere.example/list", "credentialSubject": '
            '{"statusPurpose": "revocation", "encodedList": "uH4sIAAAAAAAA_2NgGAWjYBSMgsEDAAXj8gAQAAAA"}}'))
        assert main(["verify", token, "--jwks", jwks, "--status", forged]) == 1
        assert "status-unavailable" in capsys.readouterr().out

    def test_unreadable_inputs_exit_1_with_a_reason(self, tmp_path, capsys):
        assert main(["verify", str(tmp_path / "missing.jwt"), "--jwks", str(tmp_path / "jwks.json")]) == 1
        assert "cannot read" in capsys.readouterr().out


class TestRotateKeyCommand:
    def test_rotates_and_keeps_the_old_key_verifying(self, tmp_path, monkeypatch, capsys):
        from sqlmodel import select

        from prodready import migrate
        from prodready.db import Database

        url = f"sqlite:///{tmp_path / 'prodready.db'}"
        database = Database.from_url(url)
        migrate.upgrade_to_head(database.engine)
        for name, value in {"DATABASE_URL": url, "DATA_DIR": str(tmp_path), "SECRET_KEY": "k" * 40}.items():
            monkeypatch.setenv(f"PRODREADY_{name}", value)
        assert main(["rotate-key"]) == 0 and main(["rotate-key"]) == 0
        assert "new issuer key" in capsys.readouterr().out
        with database.unit_of_work(write=False) as session:
            rows = session.exec(select(IssuerKey).order_by(IssuerKey.created_at)).all()
        database.dispose()
        assert len(rows) == 2 and rows[0].retired_at is not None and rows[0].expires_at is not None
        assert rows[1].retired_at is None
