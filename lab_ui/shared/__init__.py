"""Shared by every page: the settings schema, the session's Lab, widgets, text and figures. Imports
bp_core only (and streamlit)."""
