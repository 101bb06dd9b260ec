"""The inline stylesheet of every rendered diagram (no external fonts or files)."""

STYLE = """
.bpmn-diagram{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC",
"PingFang SC","Microsoft YaHei",sans-serif;max-width:100%;height:auto;background:#fff}
.bpmn-body{fill:#fff;stroke:#22242a;stroke-width:2}
.bpmn-pool>.bpmn-body{fill:#fff;stroke-width:1.5}
.bpmn-lane>.bpmn-body{fill:none;stroke-width:1}
.bpmn-divider{fill:none;stroke:#22242a;stroke-width:1.5}
.bpmn-subprocess>.bpmn-body{fill:#fff;fill-opacity:.85}
.bpmn-call-activity>.bpmn-body{stroke-width:5}
.bpmn-body.bpmn-event-subprocess{stroke-width:1.5;stroke-dasharray:2 3}
.bpmn-inner{fill:none;stroke-width:1.5}
.bpmn-end{stroke-width:4}
.bpmn-non-interrupting{stroke-dasharray:5 3}
.bpmn-group>.bpmn-body{fill:none;stroke-width:1.5;stroke-dasharray:8 4 2 4}
.bpmn-annotation>.bpmn-body{fill:none;stroke-width:1.5}
.bpmn-hit{fill:none;stroke:none}
.bpmn-data-object>.bpmn-body,.bpmn-data-store>.bpmn-body{stroke-width:1.5}
.bpmn-icon{fill:#fff;stroke:#22242a;stroke-width:1.3}
.bpmn-icon-filled{fill:#22242a;stroke:#22242a;stroke-width:1}
.bpmn-icon-inverse{fill:none;stroke:#fff;stroke-width:1.2}
.bpmn-icon-line{fill:none;stroke:#22242a;stroke-width:1.3}
.bpmn-icon-bar{stroke-width:2}
.bpmn-icon-thick{fill:none;stroke:#22242a;stroke-width:3.5;stroke-linecap:round}
.bpmn-gear{fill:none;stroke:#22242a;stroke-width:3.5;stroke-dasharray:2.7 2}
.bpmn-line{fill:none;stroke:#22242a;stroke-width:1.5;stroke-linejoin:round}
.bpmn-message-flow .bpmn-line{stroke-dasharray:7 4}
.bpmn-association .bpmn-line,.bpmn-data-association .bpmn-line{stroke-dasharray:2 3}
.bpmn-marker-filled{fill:#22242a;stroke:#22242a;stroke-width:1}
.bpmn-marker-open{fill:none;stroke:#22242a;stroke-width:1.3}
.bpmn-marker-hollow{fill:#fff;stroke:#22242a;stroke-width:1.3}
.bpmn-label{font-size:12px;fill:#22242a;stroke:none}
.bpmn-outer-label{stroke:#fff;stroke-width:3px;stroke-linejoin:round;paint-order:stroke}
.state-done>.bpmn-body{fill:#e6f4ea;stroke:#1e7b34}
.state-done.bpmn-edge .bpmn-line{stroke:#1e7b34}
.state-current>.bpmn-body{fill:#fff3d6;stroke:#c2410c;stroke-width:4}
.state-current.bpmn-edge .bpmn-line{stroke:#c2410c;stroke-width:3}
.state-not_reached{opacity:.45}
.bpmn-badge rect{fill:#1d4ed8;stroke:#fff;stroke-width:1.5}
.bpmn-badge text{fill:#fff;font-size:11px;font-weight:700}
"""
