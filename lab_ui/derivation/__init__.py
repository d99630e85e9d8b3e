"""The Derivation page's UI and its lines. Imports lab_ui.shared and lab_ui.live."""
