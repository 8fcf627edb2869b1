#!/usr/bin/env python
"""From a checkout: ``python manage.py …`` = the installed ``luoshi …`` command."""

from luoshi.__main__ import main

if __name__ == "__main__":
    main()
