"""Placeholder replaced below."""
def ensure_demo_database(path):
    return None
