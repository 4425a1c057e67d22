import sys

from lmsdesk.app import main

sys.exit(main())
