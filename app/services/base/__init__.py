"""What every use case needs besides its arguments: settings, today and the working-day
calendar (``context``), firing a machine with its refusals as conflicts (``firing``), paging.
"""
