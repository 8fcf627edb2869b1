"""What 系统日志 plugs into core: who reads the operation log (within their scope), and the
retention period of the audit and login logs, a parameter of 参数设置 (never less than the
Cybersecurity Law's six months), applied by the daily run (``run_schedules``)."""

from django.utils.translation import gettext_lazy as _

from luoshi.audit import chain
from luoshi.audit.chain import MIN_LOG_RETENTION_DAYS
from luoshi.core import registry
from luoshi.core.registry import ParameterSpec

# 单位管理员 and 领导 read the operation log of their units (their data scope); 系统管理员
# holds every permission and reads all of it.
registry.module_grants(
    "audit",
    {
        "unit_admin": {"audit.operationlog": ["view"]},
        "leader": {"audit.operationlog": ["view"]},
    },
)

registry.parameter(
    ParameterSpec(
        key="log_retention_days",
        label=_("操作日志与登录日志保留天数"),
        group=_("登录安全（等保）"),
        kind="int",
        setting="LOG_RETENTION_DAYS",
        minimum=MIN_LOG_RETENTION_DAYS,
        maximum=3650,
        unit=_("天"),
        minimum_message=_("不能少于 %(days)d 天：《网络安全法》要求网络日志留存不少于六个月。")
        % {"days": MIN_LOG_RETENTION_DAYS},
        help=_("超过保留期的日志由每日任务清理（不少于 183 天）。"),
    )
)


def _log_retention(today) -> int:
    """Remove the operation and login log rows past the retention period (the chain stays
    verifiable: ``chain.prune``); how many rows went."""
    return sum(chain.prune(model) for model in chain.CHAINED_FIELDS)


registry.daily_job("log_retention", _log_retention)
