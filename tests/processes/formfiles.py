"""BPMN files with forms for the form tests: the contract's request form and an approver's form."""

from __future__ import annotations

from tests.processes.files import HEAD

CONTRACT_FORM = """
<camunda:formData>
  <camunda:formField id="amount" label="金额 | Amount" type="money">
    <camunda:properties>
      <camunda:property id="currency" value="CNY"/>
      <camunda:property id="help" value="含税 | Tax included"/>
    </camunda:properties>
    <camunda:validation>
      <camunda:constraint name="required"/>
      <camunda:constraint name="min" config="0"/>
      <camunda:constraint name="max" config="10000000"/>
    </camunda:validation>
  </camunda:formField>
  <camunda:formField id="risk" label="风险 | Risk" type="enum" defaultValue="low">
    <camunda:value id="low" name="低 | Low"/><camunda:value id="high" name="高 | High"/>
  </camunda:formField>
</camunda:formData>
"""

TASK_FORM = """
<camunda:formData>
  <camunda:formField id="amount" label="金额 | Amount" type="money">
    <camunda:validation><camunda:constraint name="readonly"/></camunda:validation>
  </camunda:formField>
  <camunda:formField id="comment" label="意见 | Comment" type="textarea">
    <camunda:validation><camunda:constraint name="maxlength" config="200"/></camunda:validation>
  </camunda:formField>
</camunda:formData>
"""


def field(field_id: str, kind: str, inner: str = "", attrs: str = "") -> str:
    """One ``camunda:formField``; ``inner`` is its children (validation, values, properties)."""
    return (
        f'<camunda:formField id="{field_id}" label="{field_id}" type="{kind}" {attrs}>'
        f"{inner}</camunda:formField>"
    )


def constraints(*pairs: tuple[str, str | None]) -> str:
    inner = "".join(
        f'<camunda:constraint name="{name}"'
        + (f' config="{config}"' if config is not None else "")
        + "/>"
        for name, config in pairs
    )
    return f"<camunda:validation>{inner}</camunda:validation>"


def form_data(*fields: str) -> str:
    return "<camunda:formData>" + "".join(fields) + "</camunda:formData>"


def with_forms(start_form: str = CONTRACT_FORM, task_form: str = TASK_FORM) -> bytes:
    """Request form on ``Start``, an approver's form on ``Review``; a gateway on the amount."""
    body = (
        '<bpmn:process id="Purchase" name="采购" isExecutable="true">\n'
        '<bpmn:startEvent id="Start"><bpmn:extensionElements>'
        f"{start_form}</bpmn:extensionElements></bpmn:startEvent>\n"
        '<bpmn:userTask id="Review" name="审批"><bpmn:extensionElements>'
        f"{task_form}</bpmn:extensionElements></bpmn:userTask>\n"
        '<bpmn:userTask id="Plain" name="无表单"/>\n'
        '<bpmn:exclusiveGateway id="Gateway" default="ToEnd"/>\n'
        '<bpmn:endEvent id="End"/>\n'
        '<bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Review"/>\n'
        '<bpmn:sequenceFlow id="F2" sourceRef="Review" targetRef="Gateway"/>\n'
        '<bpmn:sequenceFlow id="ToPlain" sourceRef="Gateway" targetRef="Plain">'
        '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        'amount &gt; 50000 or risk == "high"</bpmn:conditionExpression></bpmn:sequenceFlow>\n'
        '<bpmn:sequenceFlow id="ToEnd" sourceRef="Gateway" targetRef="End"/>\n'
        '<bpmn:sequenceFlow id="F4" sourceRef="Plain" targetRef="End"/>\n'
        "</bpmn:process>\n"
    )
    return (HEAD + body + "</bpmn:definitions>\n").encode("utf-8")
