"""The bundled app's entry point: the command line, made safe for worker processes.

``suggest --processes N`` and the window's suggester start worker processes with ``spawn``. In a
frozen app a spawned worker is this same executable started again; ``freeze_support()`` lets it
run the worker's code instead of the command line.
"""

import multiprocessing

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from annotator.cli import main

    main(prog_name="annotator")
