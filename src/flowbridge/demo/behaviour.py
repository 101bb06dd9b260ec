# ruff: noqa: RUF001  (Chinese text uses full-width punctuation on purpose)
"""How the demo company's people behave: who asks for what, how fast each department acts.

Plain data and small functions over a seeded :class:`random.Random`, so the
same seed always gives the same year. Delays are in working hours on the
company calendar, log-normal around each department's median (some
departments are slower); a few nodes take longer by nature.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

# Median working hours a department takes to act on a task, and the spread (log-normal sigma).
DEPARTMENT_HOURS: dict[str, float] = {
    "cs": 1.5,
    "sales": 3.0,
    "marketing": 5.0,
    "finance": 6.0,
    "quality": 7.0,
    "rd": 10.0,
    "production": 8.0,
    "procurement": 14.0,
    "warehouse": 5.0,
    "gmo": 6.0,
    "commercial": 6.0,
    "ops": 6.0,
    "pmo": 4.0,
}
DEFAULT_HOURS = 6.0
SIGMA = 0.8
# Some work simply takes longer than a decision (building a kit, getting the customer to sign).
NODE_FACTOR: dict[str, float] = {
    "root_cause": 2.5,
    "analysis": 1.5,
    "material_kitting": 3.0,
    "production_plan": 1.5,
    "receipt": 3.0,
    "invoicing": 2.0,
    "revise_order": 2.0,
    "revise": 3.0,
    "kickoff": 1.5,
}

# Chance that one approver rejects at a node (per work item; a countersign multiplies).
REJECT: dict[str, float] = {
    "order_review": 0.03,
    "credit_check": 0.08,
    "gm_approval": 0.05,
    "head_review": 0.05,
    "joint_review": 0.04,
    "compensation_approval": 0.12,
}

# Cases per working day, and which departments (weights) ask for them.
ARRIVALS: dict[str, float] = {"complaint": 2.6, "order-fulfilment": 3.4, "requirement-review": 1.0}
REQUESTERS: dict[str, dict[str, float]] = {
    "complaint": {"cs": 3.0, "sales": 1.0},
    "order-fulfilment": {"sales": 1.0},
    "requirement-review": {"marketing": 2.0, "rd": 1.5, "sales": 0.5},
}

CUSTOMERS = (
    "宁波海天精工", "杭州汽轮动力", "苏州汇川电子", "绍兴越达纺机", "温州正泰配套",
    "合肥长鑫装备", "无锡先导智能", "嘉兴闻泰通讯", "台州吉利零部件", "常州天合光能",
    "上海振华重工", "南通中远船务", "金华万里扬", "湖州久立特材", "义乌华鼎机电",
)  # fmt: skip
PRODUCTS = ("QM-AGV-200", "QM-AGV-500", "QM-ARM-6X", "QM-ARM-12X", "QM-VIS-3D", "QM-CNC-L8",
            "QM-PKG-S2", "QM-WLD-R5")  # fmt: skip
COMPLAINTS = (
    "设备运行异响", "定位精度超差", "控制器频繁报警", "交货延期", "配件发错型号",
    "外观划伤", "软件升级后无法联机", "焊缝质量不稳定", "售后响应慢", "说明书与实物不符",
)  # fmt: skip
TOPICS = (
    "AGV 支持 5G 调度", "机械臂末端快换装置", "视觉检测支持反光件", "产线数字孪生看板",
    "低温环境版控制器", "协作机器人安全皮肤", "远程运维平台", "焊接参数自学习",
    "电池快换工作站", "出口欧盟 CE 改版", "小型化包装工作站", "多机协同路径规划",
)  # fmt: skip
MARKETS = ("汽车零部件", "新能源电池", "3C 电子", "光伏", "食品包装", "海外市场")
REJECT_REASONS = (
    "信息不完整，请补充后再提交。",
    "与现有规划冲突，暂不同意。",
    "金额依据不足，请重新核算。",
    "风险评估不充分。",
    "客户信用额度不足。",
)
APPROVE_COMMENTS = ("", "", "", "同意。", "同意，请尽快推进。", "已核实，同意。")
URGE_MESSAGES = ("请尽快处理，客户在催。", "麻烦抓紧看一下，谢谢！", "此单较急，请优先处理。")


@dataclass
class Behaviour:
    """The seeded source of every random choice in the demo history."""

    rng: random.Random

    def delay_hours(self, department: str, node_id: str) -> float:
        median = DEPARTMENT_HOURS.get(department, DEFAULT_HOURS) * NODE_FACTOR.get(node_id, 1.0)
        hours = median * math.exp(self.rng.gauss(0.0, SIGMA))
        return max(hours, 0.1)

    def arrivals(self, key: str, scale: float) -> int:
        """A Poisson-distributed number of new cases of ``key`` on one working day."""
        mean = ARRIVALS[key] * scale
        count, threshold, product = 0, math.exp(-mean), self.rng.random()
        while product > threshold:
            count += 1
            product *= self.rng.random()
        return count

    def moment_in(self, periods: list[tuple[datetime, datetime]]) -> datetime:
        """A random moment inside the working periods of one day."""
        total = sum(((b - a).total_seconds() for a, b in periods), 0.0)
        offset = self.rng.uniform(0, total)
        for a, b in periods:
            span = (b - a).total_seconds()
            if offset <= span:
                return a + timedelta(seconds=int(offset))
            offset -= span
        return periods[-1][0]

    def weighted(self, weights: dict[str, float]) -> str:
        keys = list(weights)
        return self.rng.choices(keys, weights=[weights[k] for k in keys])[0]

    def rejects(self, node_id: str) -> bool:
        return self.rng.random() < REJECT.get(node_id, 0.0)

    def reason(self) -> str:
        return self.rng.choice(REJECT_REASONS)

    def approval_comment(self) -> str:
        return self.rng.choice(APPROVE_COMMENTS)

    def urge_message(self) -> str:
        return self.rng.choice(URGE_MESSAGES)

    def money(self, median: float, sigma: float, step: int = 100) -> str:
        value = median * math.exp(self.rng.gauss(0.0, sigma))
        return str(Decimal(max(step, round(value / step) * step)))

    def request_values(self, key: str, today: datetime) -> dict[str, Any]:
        """The request form of a new case of ``key``, as a page would post it."""
        r = self.rng
        if key == "complaint":
            return {
                "customer": r.choice(CUSTOMERS),
                "product": r.choice(PRODUCTS),
                "summary": r.choice(COMPLAINTS),
                "severity": r.choices(("low", "normal", "high"), weights=(5, 4, 1))[0],
                "claim": self.money(8000, 1.0) if r.random() < 0.4 else "0",
                "details": "客户反馈：" + r.choice(COMPLAINTS) + "，请尽快处理。",
            }
        if key == "order-fulfilment":
            delivery = (today + timedelta(days=r.randint(20, 75))).date().isoformat()
            return {
                "customer": r.choice(CUSTOMERS),
                "product": r.choice(PRODUCTS),
                "quantity": str(r.randint(1, 24)),
                "amount": self.money(42000, 0.7),
                "delivery_date": delivery,
            }
        return {
            "topic": r.choice(TOPICS),
            "market": r.choice(MARKETS),
            "priority": r.choices(("low", "normal", "high"), weights=(2, 5, 2))[0],
            "budget": self.money(30000, 0.8, step=1000),
            "details": "市场与客户调研显示该需求有明确订单机会，建议立项评估。",
        }

    def task_values(self, node_id: str, form: dict[str, Any]) -> dict[str, Any]:
        """What the person doing task ``node_id`` fills in, given the case's form so far."""
        r = self.rng
        if node_id == "root_cause":
            return {"cause": r.choice(("design", "material", "process", "use"))}
        if node_id == "resolution":
            claim = Decimal(str(form.get("claim") or "0"))
            if claim > 0 and r.random() < 0.75:
                share = Decimal(r.choice(("0.5", "0.8", "1")))
                return {"compensation": str((claim * share).quantize(Decimal("1")))}
            return {"compensation": self.money(1500, 0.5) if r.random() < 0.1 else "0"}
        if node_id == "follow_up":
            return {"satisfied": r.choices(("yes", "partly", "no"), weights=(7, 2, 1))[0]}
        if node_id == "revise_order":
            amount = Decimal(str(form.get("amount") or "0")) * Decimal("0.9")
            terms = "预付30%，发货前付清"
            return {"amount": str(amount.quantize(Decimal("1"))), "payment_terms": terms}
        if node_id == "revise":
            budget = Decimal(str(form.get("budget") or "0")) * Decimal("0.85")
            return {"budget": str(budget.quantize(Decimal("1"))), "details": "已按评审意见修改。"}
        return {}
