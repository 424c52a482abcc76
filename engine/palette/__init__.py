"""The palette safety net: every BPMN element and Camunda extension in a diagram is either one
JoinedUp runs (``table``) or refused at deploy with a reason (``checks``)."""
