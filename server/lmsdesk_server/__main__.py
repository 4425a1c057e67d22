import sys

from lmsdesk_server.cli import main

sys.exit(main())
