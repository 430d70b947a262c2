import { directHistory } from "./history";
import { sendDirect } from "./send";

export const dmEvents = [sendDirect, directHistory];
