from django.apps import AppConfig


class PrintingConfig(AppConfig):
    """Printable documents an office signs and files (责任书, 三审审签单, 一会一报备案表,
    整改通知书), written through the reports' document mechanism. At the top of the house:
    it reads the feature apps; nothing imports it (pages link to it by URL name)."""

    name = "luoshi.printing"
    label = "printing"
    verbose_name = "打印文书"
