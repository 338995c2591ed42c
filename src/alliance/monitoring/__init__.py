"""Session-by-session monitoring: turns a client's scored forms into signals. No Django."""

from .config import MonitoringConfig
from .engine import monitor_episode
from .trajectory import ExpectedTrajectory, fit_trajectory
from .types import SIGNAL_KINDS, Administration, Episode, Signal

__all__ = [
    "SIGNAL_KINDS",
    "Administration",
    "Episode",
    "ExpectedTrajectory",
    "MonitoringConfig",
    "Signal",
    "fit_trajectory",
    "monitor_episode",
]
