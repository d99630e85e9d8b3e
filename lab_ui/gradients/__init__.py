"""The Gradients page's UI. Imports lab_ui.shared and lab_ui.live."""
