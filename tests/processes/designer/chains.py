"""Chains for the designer tests: one using every node and approver type, and ways to break it."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flowbridge.responsibility.models import CoreProcess, ResponsibilityStep, ResponsibilityVersion


def responsibility_step() -> None:
    """Core process ``complaint`` whose current list has step ``intake``."""
    process = CoreProcess.objects.create(code="complaint", name="客户投诉处理")
    version = ResponsibilityVersion.objects.create(
        process=process, number=1, created_at=datetime(2026, 1, 5, tzinfo=ZoneInfo("UTC"))
    )
    ResponsibilityStep.objects.create(version=version, code="intake", position=1, name="受理")


FULL: dict[str, Any] = {
    "key": "purchase",
    "name": "采购审批",
    "name_en": "Purchase approval",
    "withdraw": "any_time",
    "title": "采购 {item} {amount}元",
    "fields": [
        {"id": "item", "label": "物品", "label_en": "Item", "type": "string", "required": True},
        {
            "id": "amount",
            "label": "金额",
            "label_en": "Amount",
            "type": "money",
            "required": True,
            "min": "0",
            "max": "10000000",
            "currency": "CNY",
            "help": "含税 | Tax included",
        },
        {
            "id": "risk",
            "label": "风险",
            "label_en": "Risk",
            "type": "enum",
            "options": [
                {"id": "low", "label": "低", "label_en": "Low"},
                {"id": "high", "label": "高", "label_en": "High"},
            ],
        },
        {"id": "buyer", "label": "采购员", "type": "person"},
        {"id": "note", "label": "说明", "type": "textarea", "max": "500"},
    ],
    "nodes": [
        {
            "type": "approval",
            "name": "部门负责人审批",
            "name_en": "Head approval",
            "approvers": [{"type": "requester_head"}],
            "due": "2d",
        },
        {
            "type": "condition",
            "name": "金额判断",
            "branches": [
                {
                    "name": "大额",
                    "condition": {"field": "amount", "op": ">", "value": 50000},
                    "nodes": [
                        {
                            "type": "approval",
                            "name": "财务会签",
                            "approvers": [
                                {"type": "department", "department": "sales"},
                                {"type": "head_up", "levels": 2},
                                {"type": "person", "employee_no": "PMO"},
                            ],
                            "mode": "countersign",
                            "countersign_rule": "majority",
                            "on_reject": "route",
                        },
                        {
                            "type": "parallel",
                            "name": "并行处理",
                            "branches": [
                                {
                                    "name": "通知",
                                    "nodes": [
                                        {
                                            "type": "cc",
                                            "name": "抄送",
                                            "approvers": [
                                                {"type": "liaison", "department": "gm"},
                                                {"type": "role", "role": "management"},
                                            ],
                                        }
                                    ],
                                },
                                {
                                    "name": "标记",
                                    "nodes": [
                                        {
                                            "type": "auto",
                                            "name": "标记高风险",
                                            "set": {"risk": '"high"'},
                                        }
                                    ],
                                },
                            ],
                        },
                    ],
                },
                {
                    "name": "高风险",
                    "condition": 'risk == "high"',
                    "nodes": [
                        {
                            "type": "task",
                            "name": "发货",
                            "approvers": [
                                {"type": "field", "field": "buyer"},
                                {"type": "responsible", "process": "complaint", "step": "intake"},
                            ],
                            "mode": "sequential",
                        }
                    ],
                },
            ],
            "default": {"name": "其他", "nodes": []},
        },
        {
            "type": "approval",
            "name": "总经理审批",
            "approvers": [{"type": "role", "role": "management"}, {"type": "requester"}],
            "mode": "or-sign",
        },
    ],
}


def full() -> dict[str, Any]:
    """A fresh deep copy of :data:`FULL` to change."""
    return copy.deepcopy(FULL)


def small(key: str = "leave", **changes: Any) -> dict[str, Any]:
    """A short chain: one form field, a condition with a countersign node."""
    chain: dict[str, Any] = {
        "key": key,
        "name": "请假",
        "name_en": "Leave",
        "fields": [{"id": "days", "label": "天数", "label_en": "Days", "type": "long"}],
        "nodes": [
            {"type": "approval", "name": "主管审批", "approvers": [{"type": "requester_head"}]},
            {
                "type": "condition",
                "branches": [
                    {
                        "name": "长假",
                        "condition": {"field": "days", "op": ">=", "value": 5},
                        "nodes": [
                            {
                                "type": "approval",
                                "name": "管理层会签",
                                "approvers": [{"type": "role", "role": "management"}],
                                "mode": "countersign",
                            }
                        ],
                    }
                ],
                "default": {"nodes": []},
            },
        ],
    }
    chain.update(changes)
    return chain
