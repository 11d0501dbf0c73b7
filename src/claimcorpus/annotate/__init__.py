"""Authoring sheets, agreement and adjudication over annotation layers."""
