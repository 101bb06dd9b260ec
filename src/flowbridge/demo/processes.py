# ruff: noqa: RUF001  (Chinese text uses full-width punctuation on purpose)
"""The demo's responsibility lists: three core processes and one later edit, as plain data.

A step is ``(code, name, name_en, responsible, collaborators, consulted, informed)``
with departments named by code.
"""

from __future__ import annotations

from dataclasses import dataclass

Step = tuple[str, str, str, str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]


@dataclass(frozen=True)
class ProcessSpec:
    code: str
    name: str
    name_en: str
    description: str
    steps: tuple[Step, ...]


PROCESSES: tuple[ProcessSpec, ...] = (
    ProcessSpec(
        "product-launch",
        "产品从需求到上市",
        "Product from requirement to launch",
        "新产品从市场需求调研、方案设计、样机与验证，到试产、定价和上市发布的全过程。",
        (
            ("market-research", "需求调研", "Requirement research",
             "marketing", ("sales", "cs"), (), ("rd",)),
            ("requirement-review", "需求评审", "Requirement review",
             "rd", ("marketing", "sales"), ("quality", "finance"), ("gmo",)),
            ("solution-design", "方案设计", "Solution design",
             "rd", ("quality", "production"), ("procurement",), ()),
            ("prototype", "样机试制", "Prototype build",
             "rd", ("production", "procurement"), (), ("quality",)),
            ("quality-validation", "质量验证", "Quality validation",
             "quality", ("rd",), (), ("production",)),
            ("material-sourcing", "物料采购", "Material sourcing",
             "procurement", ("rd", "warehouse"), ("finance",), ()),
            ("pilot-run", "试产", "Pilot production run",
             "production", ("quality", "rd", "warehouse"), (), ()),
            ("pricing-plan", "定价与上市计划", "Pricing and launch plan",
             "marketing", ("finance", "sales"), ("gmo",), ()),
            ("launch", "上市发布", "Market launch",
             "marketing", ("sales", "cs"), (), ("production", "gmo")),
        ),
    ),
    ProcessSpec(
        "complaint",
        "客户投诉处理",
        "Customer complaint handling",
        "客户投诉从受理、分析与原因调查，到处理方案、补偿审批、回访和归档改进。",
        (
            ("intake", "投诉受理", "Complaint intake",
             "cs", ("sales",), (), ("quality",)),
            ("analysis", "问题分析", "Problem analysis",
             "quality", ("cs",), ("rd",), ()),
            ("root-cause", "原因调查", "Root-cause investigation",
             "rd", ("production", "quality"), (), ()),
            ("resolution", "处理方案", "Resolution plan",
             "cs", ("quality", "rd"), ("sales",), ()),
            ("compensation", "补偿审批", "Compensation approval",
             "finance", ("cs",), ("sales",), ("gmo",)),
            ("follow-up", "客户回访", "Customer follow-up",
             "cs", ("sales",), (), ()),
            ("archive", "归档与改进", "Archiving and improvement",
             "quality", ("pmo", "cs"), (), ("rd", "production")),
        ),
    ),
    ProcessSpec(
        "order-fulfilment",
        "订单履约",
        "Order fulfilment",
        "销售订单从评审、信用审核、生产计划与物料齐套，到生产、出厂检验、发货和开票回款。",
        (
            ("order-review", "订单评审", "Order review",
             "sales", ("production", "finance"), ("rd",), ()),
            ("credit-check", "信用审核", "Credit check",
             "finance", ("sales",), (), ()),
            ("production-plan", "生产计划", "Production planning",
             "production", ("procurement", "warehouse"), (), ("sales",)),
            ("material-kitting", "物料齐套", "Material kitting",
             "procurement", ("warehouse", "production"), (), ()),
            ("manufacturing", "生产", "Manufacturing",
             "production", ("quality",), (), ("sales",)),
            ("final-inspection", "出厂检验", "Final inspection",
             "quality", ("production",), (), ()),
            ("shipping", "发货", "Shipping",
             "warehouse", ("sales",), (), ("cs", "finance")),
            ("invoicing", "开票回款", "Invoicing and collection",
             "finance", ("sales",), (), ()),
        ),
    ),
)  # fmt: skip


# The process office's later edit of the complaint process: supplier-caused defects were
# investigated without procurement, and no one owned corrective action (an 8D report).
INITIAL_NOTE = "初始版本（演示数据）"
REVISED_PROCESS = "complaint"
REVISION_NOTE = "原因调查加入采购部（供应商来料问题）；新增纠正预防措施（8D）环节，由质量部负责"
REVISED_STEPS: tuple[Step, ...] = (
    ("intake", "投诉受理", "Complaint intake",
     "cs", ("sales",), (), ("quality",)),
    ("analysis", "问题分析", "Problem analysis",
     "quality", ("cs", "production"), ("rd",), ()),
    ("root-cause", "原因调查", "Root-cause investigation",
     "rd", ("production", "quality", "procurement"), (), ()),
    ("resolution", "处理方案", "Resolution plan",
     "cs", ("quality", "rd"), ("sales",), ()),
    ("compensation", "补偿审批", "Compensation approval",
     "finance", ("cs",), ("sales",), ("gmo",)),
    ("follow-up", "客户回访", "Customer follow-up",
     "cs", ("sales",), (), ()),
    ("corrective-action", "纠正预防措施", "Corrective and preventive action",
     "quality", ("rd", "production", "procurement"), (), ("pmo",)),
    ("archive", "归档与改进", "Archiving and improvement",
     "quality", ("pmo", "cs"), (), ("rd", "production")),
)  # fmt: skip
