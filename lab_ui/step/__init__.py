"""The Step through backprop page's UI and its steps. Imports lab_ui.shared and lab_ui.live."""
