"""Demo content for ``chengxin demo``: a few news items, integrity models and warning cases,
drafted by the demo provider and published by the demo reviewer through the real workflow, and
this year's campaign activities. Fictional, marked as demo data; run again, it adds nothing."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext
from PIL import Image

from chengxin.accounts.models import User
from chengxin.dueprocess.attachments import IncomingFile
from chengxin.outreach import services
from chengxin.outreach.activities import activity_plan, activity_report_by_unit
from chengxin.outreach.choices import ArticleKind
from chengxin.outreach.models import Article, CampaignActivity

DEMO_SOURCE = "演示数据"
DEMO_ARTICLES = (
    (
        ArticleKind.NEWS,
        "市税务局开展“诚信纳税”进社区宣传活动",
        "市税务局在多个社区设立咨询点，向居民讲解个人所得税汇算和纳税信用知识。\n\n"
        "## 活动内容\n- 发放信用知识读本\n- 现场解答纳税问题\n- 介绍信用修复的条件和流程",
    ),
    (
        ArticleKind.NEWS,
        "“信用齐齐哈尔”网站开通个人信用档案查询服务",
        "完成实名核验的市民可以登录网站查看本人的信用档案和被查询记录，对有误的信息在线提出异议。",
    ),
    (
        ArticleKind.NEWS,
        "我市召开个人诚信体系建设工作推进会",
        "会议通报了各责任单位信用信息归集情况，部署下一阶段的信用信息共享和联合奖惩工作。",
    ),
    (
        ArticleKind.POLICY,
        "一图读懂：个人信用信息的公示期限",
        "失信信息的公示期限从认定之日起计算。\n\n- 轻微失信信息：不公示\n- 一般失信信息：公示一年\n"
        "- 严重失信信息：公示三年\n\n期满后自动停止公示；符合条件的可以提前申请信用修复。",
    ),
    (
        ArticleKind.MODEL,
        "诚信典型：十年如一日按时还款的个体经营者",
        "个体经营者王某某在经营困难时期仍按期偿还贷款，从未逾期，被评为诚信经营户。",
    ),
    (
        ArticleKind.MODEL,
        "诚信典型：拾金不昧的出租车司机",
        "出租车司机李某某将乘客遗落的现金和证件及时交还失主，获评市级诚信道德模范。",
    ),
    (
        ArticleKind.WARNING,
        "失信案例警示：以他人驾驶证顶替交通违法记分",
        "张某某驾车违法后，借用他人驾驶证处理记分，被依法查处并记入失信记录。"
        "\n\n## 警示\n买卖、顶替驾驶证记分属于违法行为，会形成不良信用记录。",
    ),
    (
        ArticleKind.WARNING,
        "失信案例警示：恶意拖欠农民工工资",
        "某工程项目负责人赵某某有能力支付而拒不支付农民工工资，被列入失信名单，"
        "在招投标等方面受到限制。",
    ),
)
DEMO_ACTIVITIES = (
    (
        "credit-record-day",
        "6·14信用记录关爱日集中宣传",
        "市市场监管局、人民银行齐齐哈尔市分行",
        "在中心广场设咨询台，讲解信用报告查询、异议和信用修复。",
    ),
    (
        "consumer-rights-day",
        "3·15消费维权和诚信经营宣传",
        "市市场监管局",
        "发布消费维权典型案例，开展诚信经营承诺活动。",
    ),
    (
        "constitution-day",
        "宪法宣传周信用法规宣传",
        "市司法局",
        "结合宪法宣传，普及个人信息保护法和信用修复规定。",
    ),
)


def demo_content_ensure(*, stdout) -> None:
    """Publish the demo articles and activities once (needs the demo accounts)."""
    author = User.objects.filter(username="demo-provider").first()
    publisher = User.objects.filter(username="demo-reviewer").first()
    if author is None or publisher is None or Article.objects.filter(source=DEMO_SOURCE).exists():
        return
    for kind, title, body in DEMO_ARTICLES:
        article = services.article_create(
            actor=author, kind=kind, title=title, body=body, source=DEMO_SOURCE
        )
        services.article_submit(actor=author, article_id=article.pk)
        services.article_publish(actor=publisher, article_id=article.pk)
    year = timezone.localdate().year
    if not CampaignActivity.objects.filter(year=year).exists():
        for code, title, organiser, description in DEMO_ACTIVITIES:
            services.activity_create(
                actor=publisher,
                campaign_code=code,
                year=year,
                title=title,
                organiser=organiser,
                description=description,
            )
        _unit_activity(author, year)
    stdout.write(gettext("演示内容：已发布 %(count)d 篇。") % {"count": len(DEMO_ARTICLES)} + "\n")


def _unit_activity(author, year: int) -> None:
    """The demo provider's unit plans an activity for 15 March and reports it with a photo."""
    activity = activity_plan(
        actor=author,
        campaign_code="consumer-rights-day",
        year=year,
        title="依法诚信纳税宣传咨询",
        description="在办税服务厅设信用宣传咨询台，讲解纳税信用评价和信用修复。",
    )
    activity_report_by_unit(
        actor=author,
        activity_id=activity.pk,
        report="接待纳税人咨询150余人次，发放《信用知识读本》300册。",
        participants=150,
        files=[IncomingFile(name="咨询台.png", data=_demo_photo())],
    )


def _demo_photo() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (320, 200), (46, 108, 164)).save(output, format="PNG")
    return output.getvalue()
