"""Skill profiles, verifiable credentials (Open Badges 3.0 as VC-JWT), the embeddable widget and webhooks."""
