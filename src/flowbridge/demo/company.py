"""The demo company's organization: departments and about 120 people, as plain data.

Everything here is deterministic (a seeded random generator), so every demo
database has the same people with the same sign-ins, and tests can name them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

COMPANY_CODE = "qiming"
EMAIL_DOMAIN = "qiming.example"
# Demo only: every demo account signs in with this password.
DEMO_PASSWORD = "flowbridge-demo"  # noqa: S105
EMPLOYEE_PREFIX = "QM"
NO_LIAISON_CODE = "hr"


@dataclass(frozen=True)
class DepartmentSpec:
    """A department of the demo, its staff size and titles; slot 0 heads it, then the liaisons."""

    code: str
    name: str
    name_en: str
    kind: str
    parent: str | None
    size: int
    head_title: str
    liaison_titles: tuple[str, ...] = ()
    staff_titles: tuple[str, ...] = ()


DEPARTMENTS: tuple[DepartmentSpec, ...] = (
    DepartmentSpec(
        "qiming", "浙江启明智能装备有限公司", "Zhejiang Qiming Intelligent Equipment Co., Ltd.",
        "company", None, 0, "",
    ),
    DepartmentSpec(
        "gmo", "总经理办公室", "General Manager's Office", "management", "qiming", 4,
        "总经理", ("总经理助理",), ("副总经理", "行政专员"),
    ),
    DepartmentSpec(
        "pmo", "流程管理办公室", "Process Office", "department", "qiming", 4,
        "流程管理办公室主任", ("流程优化专员",), ("系统管理员", "流程分析师"),
    ),
    DepartmentSpec(
        "rd", "研发部", "R&D", "department", "qiming", 20,
        "研发部经理", ("研发项目经理", "研发项目经理"),
        ("高级机械工程师", "机械工程师", "电气工程师", "嵌入式软件工程师", "软件工程师",
         "测试工程师", "工艺工程师", "结构工程师", "硬件工程师", "技术文档专员"),
    ),
    DepartmentSpec(
        "commercial", "营销中心", "Sales & Marketing Center", "division", "qiming", 2,
        "营销副总", ("营销中心助理",),
    ),
    DepartmentSpec(
        "marketing", "市场部", "Marketing", "department", "commercial", 8,
        "市场部经理", ("产品经理",), ("市场专员", "品牌专员", "市场调研专员", "新媒体运营专员"),
    ),
    DepartmentSpec(
        "sales", "销售部", "Sales", "department", "commercial", 16,
        "销售部经理", ("销售主管", "销售主管"),
        ("区域销售经理", "大客户经理", "销售代表", "销售代表", "销售内勤", "商务专员"),
    ),
    DepartmentSpec(
        "cs", "客户服务部", "Customer Service", "department", "commercial", 10,
        "客户服务部经理", ("客服主管",), ("售后工程师", "客服专员", "技术支持工程师", "客服专员"),
    ),
    DepartmentSpec(
        "ops", "运营中心", "Operations Center", "division", "qiming", 2,
        "运营副总", ("运营助理",),
    ),
    DepartmentSpec(
        "production", "生产部", "Production", "department", "ops", 20,
        "生产部经理", ("生产计划主管", "车间主任"),
        ("班组长", "装配技工", "装配技工", "设备工程师", "生产计划员", "调试技师", "焊接技工"),
    ),
    DepartmentSpec(
        "procurement", "采购部", "Procurement", "department", "ops", 7,
        "采购部经理", ("采购主管",), ("采购专员", "供应商开发工程师", "采购专员"),
    ),
    DepartmentSpec(
        "warehouse", "仓储物流部", "Warehouse & Logistics", "department", "ops", 8,
        "仓储物流部经理", ("仓库主管",), ("仓管员", "物流专员", "仓管员", "发货专员"),
    ),
    DepartmentSpec(
        "quality", "质量部", "Quality", "department", "ops", 9,
        "质量部经理", ("质量主管",), ("质量工程师", "检验员", "供应商质量工程师", "体系专员"),
    ),
    DepartmentSpec(
        "finance", "财务部", "Finance", "department", "qiming", 7,
        "财务部经理", ("会计主管",), ("会计", "出纳", "成本会计", "税务会计"),
    ),
    DepartmentSpec(
        "hr", "人力资源部", "Human Resources", "department", "qiming", 5,
        "人力资源部经理", (), ("招聘专员", "培训专员", "薪酬专员", "员工关系专员"),
    ),
)  # fmt: skip


@dataclass(frozen=True)
class Account:
    """A fixed sign-in: which department slot it takes and which roles it is granted."""

    username: str
    department: str
    slot: int
    roles: tuple[str, ...] = ()
    title: str = ""
    description: str = ""


# Slot 0 is the head, slots 1..n the liaisons, further slots are staff.
ACCOUNTS: tuple[Account, ...] = (
    Account("admin", "pmo", 2, ("system_admin",), "系统管理员", "system admin"),
    Account("pmo", "pmo", 0, ("process_office",), "", "process office (head)"),
    Account("gm", "gmo", 0, ("management",), "", "management, head of the GM office"),
    Account("rd_head", "rd", 0, (), "", "head of R&D"),
    Account("cs_liaison", "cs", 1, (), "", "customer-service liaison"),
    Account("employee", "sales", 5, (), "", "employee in sales"),
    Account("auditor", "finance", 6, ("auditor",), "内审专员", "auditor"),
)

# Further role grants by (department, slot): management and the process office's staff.
EXTRA_ROLES: dict[tuple[str, int], tuple[str, ...]] = {
    ("gmo", 2): ("management",),  # deputy general manager
    ("commercial", 0): ("management",),
    ("ops", 0): ("management",),
    ("pmo", 1): ("process_office",),
    ("pmo", 3): ("process_office",),
}

# The sales liaison is on leave this week; a sales colleague stands in.
AWAY = ("sales", 1)
DEPUTY = ("sales", 4)
AWAY_DAYS = 4
AWAY_REASON = "年假"


@dataclass
class PersonSpec:
    employee_no: str
    name: str
    name_en: str
    department: str
    slot: int
    title: str
    email: str
    phone: str
    username: str
    roles: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_head(self) -> bool:
        return self.slot == 0


SURNAMES: tuple[tuple[str, str], ...] = (
    ("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"),
    ("杨", "Yang"), ("黄", "Huang"), ("赵", "Zhao"), ("吴", "Wu"), ("周", "Zhou"),
    ("徐", "Xu"), ("孙", "Sun"), ("马", "Ma"), ("朱", "Zhu"), ("胡", "Hu"),
    ("郭", "Guo"), ("何", "He"), ("林", "Lin"), ("罗", "Luo"), ("高", "Gao"),
    ("郑", "Zheng"), ("梁", "Liang"), ("谢", "Xie"), ("宋", "Song"), ("唐", "Tang"),
    ("许", "Xu"), ("韩", "Han"), ("冯", "Feng"), ("邓", "Deng"), ("曹", "Cao"),
    ("彭", "Peng"), ("曾", "Zeng"), ("沈", "Shen"), ("蒋", "Jiang"), ("叶", "Ye"),
    ("潘", "Pan"), ("方", "Fang"), ("陆", "Lu"), ("钱", "Qian"), ("汪", "Wang"),
)  # fmt: skip

# Given-name characters by the names they usually appear in, so names read naturally.
MALE: tuple[tuple[str, str], ...] = (
    ("伟", "wei"), ("强", "qiang"), ("磊", "lei"), ("军", "jun"), ("洋", "yang"),
    ("勇", "yong"), ("杰", "jie"), ("涛", "tao"), ("明", "ming"), ("超", "chao"),
    ("刚", "gang"), ("建", "jian"), ("国", "guo"), ("志", "zhi"), ("浩", "hao"),
    ("宇", "yu"), ("俊", "jun"), ("鹏", "peng"), ("辉", "hui"), ("斌", "bin"),
    ("凯", "kai"), ("海", "hai"), ("波", "bo"), ("亮", "liang"), ("泽", "ze"),
    ("瑞", "rui"), ("文", "wen"), ("天", "tian"), ("晨", "chen"), ("嘉", "jia"),
)  # fmt: skip
FEMALE: tuple[tuple[str, str], ...] = (
    ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("丽", "li"),
    ("艳", "yan"), ("娟", "juan"), ("秀", "xiu"), ("霞", "xia"), ("婷", "ting"),
    ("雪", "xue"), ("欣", "xin"), ("佳", "jia"), ("颖", "ying"), ("倩", "qian"),
    ("琳", "lin"), ("晓", "xiao"), ("慧", "hui"), ("璐", "lu"), ("思", "si"),
    ("梦", "meng"), ("雨", "yu"), ("晴", "qing"), ("怡", "yi"), ("悦", "yue"),
    ("玉", "yu"), ("红", "hong"), ("燕", "yan"), ("萍", "ping"), ("文", "wen"),
)  # fmt: skip

SEED = 20260301


def _names(count: int, rng: random.Random) -> list[tuple[str, str]]:
    """``count`` distinct (Chinese, pinyin) names; one in five has a one-character given name."""
    seen: set[str] = set()
    names: list[tuple[str, str]] = []
    while len(names) < count:
        surname, surname_py = rng.choice(SURNAMES)
        pool = MALE if rng.random() < 0.55 else FEMALE
        parts = rng.sample(pool, 1 if rng.random() < 0.2 else 2)
        zh = surname + "".join(c for c, _py in parts)
        if zh in seen:
            continue
        seen.add(zh)
        given_py = "".join(py for _c, py in parts)
        names.append((zh, f"{surname_py} {given_py.capitalize()}"))
    return names


def _title(spec: DepartmentSpec, slot: int) -> str:
    if slot == 0:
        return spec.head_title
    if slot <= len(spec.liaison_titles):
        return spec.liaison_titles[slot - 1]
    staff = spec.staff_titles or spec.liaison_titles or (spec.head_title,)
    return staff[(slot - 1 - len(spec.liaison_titles)) % len(staff)]


def people() -> list[PersonSpec]:
    """Every demo person, department by department, slot 0 (the head) first."""
    rng = random.Random(SEED)
    total = sum(d.size for d in DEPARTMENTS)
    names = iter(_names(total, rng))
    accounts = {(a.department, a.slot): a for a in ACCOUNTS}
    used: set[str] = set()
    result: list[PersonSpec] = []
    number = 1000
    for spec in DEPARTMENTS:
        for slot in range(spec.size):
            number += 1
            zh, en = next(names)
            local = en.lower().replace(" ", "")
            suffix = 2
            base = local
            while local in used:
                local, suffix = f"{base}{suffix}", suffix + 1
            used.add(local)
            account = accounts.get((spec.code, slot))
            roles = (account.roles if account else ()) + EXTRA_ROLES.get((spec.code, slot), ())
            title = account.title if account and account.title else _title(spec, slot)
            result.append(
                PersonSpec(
                    employee_no=f"{EMPLOYEE_PREFIX}{number}",
                    name=zh,
                    name_en=en,
                    department=spec.code,
                    slot=slot,
                    title=title,
                    email=f"{local}@{EMAIL_DOMAIN}",
                    phone=f"13{rng.randint(5, 9)}{rng.randint(0, 99999999):08d}",
                    username=account.username if account else local,
                    roles=roles,
                )
            )
    return result


def liaison_slots(spec: DepartmentSpec) -> range:
    """Slots of the department's liaisons (none for the department left without one)."""
    if spec.code == NO_LIAISON_CODE:
        return range(0)
    return range(1, 1 + len(spec.liaison_titles))
