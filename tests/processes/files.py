"""Hand-made BPMN files for the tests: one good approval process and ways to break it."""

from __future__ import annotations

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'
    ' xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"'
    ' xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"'
    ' xmlns:di="http://www.omg.org/spec/DD/20100524/DI"'
    ' xmlns:camunda="http://camunda.org/schema/1.0/bpmn"'
    ' id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn">\n'
)

SHAPES = {
    "Start": (100, 100, 36, 36),
    "Review": (180, 78, 100, 80),
    "Gateway": (330, 93, 50, 50),
    "Director": (430, 78, 100, 80),
    "End": (600, 100, 36, 36),
}


def _di(process_id: str) -> str:
    shapes = "".join(
        f'<bpmndi:BPMNShape id="{n}_di" bpmnElement="{n}">'
        f'<dc:Bounds x="{x}" y="{y}" width="{w}" height="{h}"/></bpmndi:BPMNShape>\n'
        for n, (x, y, w, h) in SHAPES.items()
    )
    return (
        f'<bpmndi:BPMNDiagram id="Diagram_1"><bpmndi:BPMNPlane id="Plane_1"'
        f' bpmnElement="{process_id}">\n{shapes}</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>\n'
    )


def approval(
    process_id: str = "Purchase_Approval",
    name: str = "采购审批",
    condition: str = 'amount &gt; 50000 or risk == "high"',
    review_name: str = "部门负责人审批",
    extra: str = "",
) -> bytes:
    """A purchase approval: review, then the director when the amount or risk is high."""
    body = (
        f'<bpmn:process id="{process_id}" name="{name}" isExecutable="true">\n'
        '<bpmn:startEvent id="Start" name="提交"/>\n'
        f'<bpmn:userTask id="Review" name="{review_name}" camunda:assignee="head"/>\n'
        '<bpmn:exclusiveGateway id="Gateway" default="ToEnd"/>\n'
        '<bpmn:userTask id="Director" name="总监审批"/>\n'
        '<bpmn:endEvent id="End"/>\n'
        '<bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Review"/>\n'
        '<bpmn:sequenceFlow id="F2" sourceRef="Review" targetRef="Gateway"/>\n'
        '<bpmn:sequenceFlow id="ToDirector" sourceRef="Gateway" targetRef="Director">'
        f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression"'
        f' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">{condition}'
        "</bpmn:conditionExpression></bpmn:sequenceFlow>\n"
        '<bpmn:sequenceFlow id="ToEnd" sourceRef="Gateway" targetRef="End"/>\n'
        '<bpmn:sequenceFlow id="F4" sourceRef="Director" targetRef="End"/>\n'
        f"{extra}</bpmn:process>\n"
    )
    return (HEAD + body + _di(process_id) + "</bpmn:definitions>\n").encode("utf-8")


SCRIPT_TASK = approval(
    extra='<bpmn:scriptTask id="ScriptTask_1" scriptFormat="python">'
    "<bpmn:script>import os; os.system('touch /tmp/pwned')</bpmn:script></bpmn:scriptTask>\n"
)

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
<bpmn:process id="P" name="&lol9;"><bpmn:startEvent id="S"/></bpmn:process>
</bpmn:definitions>
"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
<bpmn:process id="P" name="&xxe;"><bpmn:startEvent id="S"/></bpmn:process>
</bpmn:definitions>
"""
