"""``luoshi oidc_settings https://sso.example.gov.cn``: read the provider's discovery
document and print the OIDC_* lines for /etc/luoshi/luoshi.env (docs/unified-login.md).
Nothing is fetched at run time: the endpoints are configured, not discovered."""

import requests
from django.core.management.base import BaseCommand, CommandError

DISCOVERY_PATH = "/.well-known/openid-configuration"
SETTINGS = [
    ("OIDC_OP_ISSUER", "issuer"),
    ("OIDC_OP_AUTHORIZATION_ENDPOINT", "authorization_endpoint"),
    ("OIDC_OP_TOKEN_ENDPOINT", "token_endpoint"),
    ("OIDC_OP_USER_ENDPOINT", "userinfo_endpoint"),
    ("OIDC_OP_JWKS_ENDPOINT", "jwks_uri"),
]


class Command(BaseCommand):
    help = "打印统一身份认证（OpenID Connect）提供方的端点配置（OIDC_* 环境变量）"

    def add_arguments(self, parser):
        parser.add_argument("issuer", help="提供方地址（issuer），或其 discovery 文档的完整地址")
        parser.add_argument("--ca-bundle", default=None, help="校验提供方 HTTPS 证书的 CA 文件")

    def handle(self, *args, issuer: str, ca_bundle=None, **options):
        url = issuer if issuer.endswith(DISCOVERY_PATH) else issuer.rstrip("/") + DISCOVERY_PATH
        try:
            response = requests.get(url, timeout=10, verify=ca_bundle or True)
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as error:
            raise CommandError(f"无法读取 {url}：{error}") from error
        missing = [key for _name, key in SETTINGS if not document.get(key)]
        if missing:
            raise CommandError(f"{url} 缺少：{', '.join(missing)}")
        algorithms = document.get("id_token_signing_alg_values_supported") or ["RS256"]
        for name, key in SETTINGS:
            self.stdout.write(f"{name}={document[key]}")
        self.stdout.write(
            f"OIDC_RP_SIGN_ALGO={'RS256' if 'RS256' in algorithms else algorithms[0]}"
        )
