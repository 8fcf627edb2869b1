"""A real OpenLDAP server for the unified-login tests: ``slapd`` started on a loopback port
with a configuration and a small tree written by the test (nothing outside a temporary
folder), and the YAML mapping of directory groups to units and roles."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

SLAPD = shutil.which("slapd") or "/usr/sbin/slapd"
SCHEMA_DIR = Path("/etc/ldap/schema")
MODULE_DIR = Path("/usr/lib/ldap")
BASE = "dc=luoshi,dc=test"
ADMIN_DN = f"cn=admin,{BASE}"
ADMIN_PASSWORD = "slapd-admin-secret"
PEOPLE = f"ou=people,{BASE}"
GROUPS = f"ou=groups,{BASE}"
CLERKS = f"cn=xcb-clerks,{GROUPS}"
ADMINS = f"cn=xcb-admins,{GROUPS}"
LEADERS = f"cn=leaders,{GROUPS}"
OTHERS = f"cn=others,{GROUPS}"

# uid: (cn, password)
PEOPLE_ENTRIES = {
    "zhangsan": ("张三", "Zhang-dir-2026"),
    "wangwu": ("王五", "Wang-dir-2026"),
    "lisi": ("李四", "Li-dir-2026"),
    "zhaoliu": ("赵六", "Zhao-dir-2026"),
    "u_admin": ("同名管理员", "Admin-dir-2026"),
}
MEMBERS = {
    CLERKS: ["zhangsan", "zhaoliu", "u_admin"],
    ADMINS: ["wangwu"],
    LEADERS: ["wangwu"],
    OTHERS: ["lisi"],
}

MAPPING_YAML = f"""\
# directory group -> luoshi unit code and role codes
groups:
  "{CLERKS}":
    unit: T1
    roles: [clerk]
  "CN=XCB-Admins, OU=Groups, DC=luoshi, DC=test":   # case and spaces do not matter
    unit: T1
    roles: [unit_admin]
  "{LEADERS}":
    roles: [leader]
  # OIDC: values of the groups claim
  "xcb-clerks":
    unit: T1
    roles: [clerk]
  "org:T2":
    unit: T2
    roles: [clerk]
  "unknown-unit":
    unit: NOPE
    roles: [clerk]
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"slapd exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("slapd did not start listening")


def slapd_conf(folder: Path) -> str:
    schemas = "\n".join(
        f"include {SCHEMA_DIR / name}.schema" for name in ("core", "cosine", "inetorgperson", "nis")
    )
    return f"""{schemas}
pidfile {folder / "slapd.pid"}
modulepath {MODULE_DIR}
moduleload back_mdb
database mdb
suffix "{BASE}"
rootdn "{ADMIN_DN}"
rootpw {ADMIN_PASSWORD}
directory {folder / "data"}
maxsize 10485760
access to attrs=userPassword by anonymous auth by * none
access to * by * read
"""


def tree_ldif() -> str:
    entries = [
        f"dn: {BASE}\nobjectClass: dcObject\nobjectClass: organization\ndc: luoshi\no: luoshi",
        f"dn: {PEOPLE}\nobjectClass: organizationalUnit\nou: people",
        f"dn: {GROUPS}\nobjectClass: organizationalUnit\nou: groups",
    ]
    for uid, (cn, password) in PEOPLE_ENTRIES.items():
        entries.append(
            f"dn: uid={uid},{PEOPLE}\nobjectClass: inetOrgPerson\nuid: {uid}\ncn: {cn}\n"
            f"sn: {cn[0]}\nmail: {uid}@example.gov.cn\nuserPassword: {password}"
        )
    for group, members in MEMBERS.items():
        lines = [f"dn: {group}", "objectClass: groupOfNames", f"cn: {group[3:].split(',')[0]}"]
        lines += [f"member: uid={uid},{PEOPLE}" for uid in members]
        entries.append("\n".join(lines))
    return "\n\n".join(entries) + "\n"


def ldap_modify(server, ldif: str) -> None:
    subprocess.run(
        ["ldapmodify", "-x", "-H", server.uri, "-D", ADMIN_DN, "-w", ADMIN_PASSWORD],
        input=ldif.encode(),
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="session")
def slapd_server(tmp_path_factory):
    """slapd on 127.0.0.1:<random port> with the tree above; stopped after the run."""
    if not Path(SLAPD).exists() or not shutil.which("ldapadd"):
        pytest.skip("slapd / ldap-utils not installed (scripts/sysdeps.sh installs them)")
    folder = tmp_path_factory.mktemp("slapd")
    (folder / "data").mkdir()
    (folder / "slapd.conf").write_text(slapd_conf(folder))
    port = free_port()
    uri = f"ldap://127.0.0.1:{port}"
    process = subprocess.Popen(
        [SLAPD, "-d", "0", "-f", str(folder / "slapd.conf"), "-h", f"{uri}/"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, process)
        subprocess.run(
            ["ldapadd", "-x", "-H", uri, "-D", ADMIN_DN, "-w", ADMIN_PASSWORD],
            input=tree_ldif().encode(),
            check=True,
            capture_output=True,
        )
        yield SimpleNamespace(uri=uri, port=port, folder=folder)
    finally:
        process.terminate()
        process.wait(timeout=10)


def mapping_file(folder: Path) -> Path:
    path = folder / "directory-mapping.yaml"
    path.write_text(MAPPING_YAML, encoding="utf-8")
    return path
