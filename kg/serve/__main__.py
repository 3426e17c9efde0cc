import sys

from kg.serve import main

sys.exit(main())
