from django.apps import AppConfig


class EducationConfig(AppConfig):
    name = "chengxin.education"
    label = "education"
    verbose_name = "诚信教育"
