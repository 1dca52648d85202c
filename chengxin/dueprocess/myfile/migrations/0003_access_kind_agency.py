"""A lookup of a person's file may be a credit agency's query."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('myfile', '0002_access_kind_campus'),
    ]

    operations = [
        migrations.AlterField(
            model_name='accesschallenge',
            name='access_kind',
            field=models.CharField(choices=[('query', '信用档案查询'), ('check', '联合奖惩核查'), ('report', '信用报告'), ('batch', '批量核查'), ('campus', '校园诚信档案查阅'), ('agency', '征信机构查询')], max_length=16, verbose_name='查询类型'),
        ),
    ]
