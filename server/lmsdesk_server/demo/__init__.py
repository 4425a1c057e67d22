"""The demo data: `lmsdesk-server seed-demo`."""
