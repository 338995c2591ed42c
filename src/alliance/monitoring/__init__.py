"""Session-by-session monitoring: turns a client's scored forms into signals. No Django."""

from .config import MonitoringConfig
from .engine import monitor_episode
from .priority import SessionPriority, session_priorities
from .trajectory import ExpectedTrajectory, fit_trajectory
from .types import SIGNAL_KINDS, ScoredAdministration, ScoredEpisode, Signal

__all__ = [
    "SIGNAL_KINDS",
    "ExpectedTrajectory",
    "MonitoringConfig",
    "ScoredAdministration",
    "ScoredEpisode",
    "SessionPriority",
    "Signal",
    "fit_trajectory",
    "monitor_episode",
    "session_priorities",
]
