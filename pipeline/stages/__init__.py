"""The stages of the flow, in order: ingest -> normalize -> structure -> extract -> validate -> write."""
