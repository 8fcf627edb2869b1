"""The one mapping of directory groups to unit and roles (luoshi.accounts.directory) shared
by LDAP and OIDC, its start-up check, and what a directory user can and cannot do here."""

import os

import pytest
from django.core.checks import Error, Warning
from django.urls import reverse

from luoshi.accounts import directory
from luoshi.accounts.checks import check_directory_mapping
from luoshi.accounts.models import AuthSource
from tests.directory_support import ADMINS, CLERKS, LEADERS, mapping_file


@pytest.fixture
def mapping(settings, tmp_path):
    settings.DIRECTORY_MAPPING_FILE = str(mapping_file(tmp_path))
    return settings.DIRECTORY_MAPPING_FILE


def test_roles_add_up_and_the_first_mapped_unit_wins(mapping, tree):
    access = directory.access_for([LEADERS.upper(), "cn=xcb-admins, ou=groups,dc=luoshi,dc=test"])
    assert access.unit == tree.own
    assert sorted(role.code for role in access.roles) == ["leader", "unit_admin"]
    access = directory.access_for(["org:T2", CLERKS])
    assert access.unit == tree.own  # CLERKS comes first in the file


def test_groups_without_a_unit_are_not_enough(mapping, tree):
    with pytest.raises(directory.Refused, match="不存在或已停用"):
        directory.access_for([LEADERS])
    with pytest.raises(directory.Refused, match="未分配本系统的单位与角色"):
        directory.access_for(["cn=unknown"])


def test_a_deactivated_unit_refuses_the_sign_in(mapping, tree):
    tree.own.is_active = False
    tree.own.save()
    with pytest.raises(directory.Refused):
        directory.access_for([ADMINS])


def test_the_file_is_read_again_when_it_changes(mapping, tree):
    assert directory.access_for([CLERKS]).unit == tree.own
    with open(mapping, "w", encoding="utf-8") as out:
        out.write(f'groups:\n  "{CLERKS}": {{unit: T2, roles: [clerk]}}\n')
    os.utime(mapping, (1, 1))  # a different modification time, whatever the clock says
    assert directory.access_for([CLERKS]).unit == tree.sibling


def test_the_check_reports_a_missing_or_broken_mapping(settings, tmp_path):
    settings.DIRECTORY_MAPPING_FILE = ""
    settings.LDAP_SERVER_URI = ""
    settings.OIDC_RP_CLIENT_ID = ""
    assert check_directory_mapping() == []
    settings.LDAP_SERVER_URI = "ldap://127.0.0.1:1"
    assert [type(m) for m in check_directory_mapping()] == [Warning]
    broken = tmp_path / "broken.yaml"
    broken.write_text("groups: [a, b", encoding="utf-8")
    settings.DIRECTORY_MAPPING_FILE = str(broken)
    assert [type(m) for m in check_directory_mapping()] == [Error]
    settings.DIRECTORY_MAPPING_FILE = str(tmp_path / "absent.yaml")
    assert [type(m) for m in check_directory_mapping()] == [Error]


def test_a_directory_user_changes_the_password_in_the_directory_only(client, users):
    clerk = users.clerk
    clerk.auth_source = AuthSource.LDAP
    clerk.set_unusable_password()
    clerk.must_change_password = True  # ignored for a directory user
    clerk.save()
    client.force_login(clerk)
    assert client.get(reverse("home")).status_code == 200
    response = client.get(reverse("password_change"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:profile")
    assert "密码由单位目录管理" in response.content.decode()
    client.force_login(users.unit_admin)
    assert client.get(reverse("accounts:user_password", args=[clerk.pk])).status_code == 404
    listing = client.get(reverse("accounts:users")).content.decode()
    assert "LDAP/AD 目录" in listing
