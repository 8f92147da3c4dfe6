__version__ = "0.1.0"

from .env import MiniCartPoleVisionEnv
from .vector_env import MiniCartPoleVisionVectorEnv
from .model import MiniVLA
from .text import make_bow_batch, make_bow_instruction
from .torch_env import TorchCartPoleVectorEnv
