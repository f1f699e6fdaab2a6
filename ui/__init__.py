"""Streamlit/Plotly helpers shared by the pages. Drawing only: the maths lives in engine/."""
