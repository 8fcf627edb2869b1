from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Development tools at the top of the house: the demo district (``load_demo``) and the
    scale generator (``generate_scale``). They may import every app; no app imports them."""

    name = "luoshi.demo"
    label = "demo"
    verbose_name = "演示与规模数据"
