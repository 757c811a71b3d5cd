"""`servicedesk-bot package` and `deploy`: the function's archive built here, and the cloud side brought to it with
`yc` (or written as a script): what goes where (`plan`), applied (`apply`) or printed (`script`)."""
